"""Who may add evidence, and who may download it."""

from __future__ import annotations

from evidence.models import EvidenceItem, EvidenceLink
from qad.models import Submission
from qad.rules import can_edit_submission
from qualification.rules import AnyUser, code_body_roles, is_portal_admin, organisation_roles


def can_add_evidence(user: AnyUser, submission: Submission) -> bool:
    return can_edit_submission(user, submission)


def can_download(user: AnyUser, item: EvidenceItem) -> bool:
    """The uploader's organisation, the Code Bodies assessing a submission it supports,
    organisations granted its evidence pack, and portal admins. Never quarantined content."""
    if not user.is_authenticated or item.stored_file.quarantined:
        return False
    if is_portal_admin(user) or organisation_roles(user, item.organisation):
        return True
    if item.pack_id and item.pack.granted_to.filter(memberships__user=user).exists():
        return True
    bodies = set(code_body_roles(user))
    if not bodies:
        return False
    return EvidenceLink.objects.filter(
        item=item,
        revision__submission__qualification__roles__market_role__approvers__code__in=bodies,
    ).exists()


def can_manage_packs(user: AnyUser, organisation) -> bool:
    from qualification.enums import MembershipRole

    return MembershipRole.ORG_ADMIN in organisation_roles(user, organisation)
