"""Who may add evidence, and who may download it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from evidence.models import EvidenceItem, EvidenceLink
from qad.models import Submission
from qad.rules import can_edit_submission
from qualification.rules import AnyUser, code_body_roles, is_portal_admin, organisation_roles


def can_add_evidence(user: AnyUser, submission: Submission) -> bool:
    return can_edit_submission(user, submission)


def can_see_evidence(user: AnyUser, item: EvidenceItem) -> bool:
    """Whether this user may know the item exists (its title, its state), whatever its checks
    found: the uploader's organisation, organisations granted its evidence pack, portal
    admins, and the Code Bodies assessing a submitted revision that it supports. Evidence
    linked only to a revision still being written is the participant's own working copy,
    as its pages are (qad.rules.can_view_submission)."""
    if not user.is_authenticated:
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
        revision__submitted_at__isnull=False,
        revision__submission__qualification__roles__market_role__approvers__code__in=bodies,
    ).exists()


def can_download(user: AnyUser, item: EvidenceItem) -> bool:
    """Those who may see the item, and only once its checks have finished and passed it
    (StoredFile.downloadable): never a file still being checked, never a rejected one."""
    return item.stored_file.downloadable and can_see_evidence(user, item)


def download_refusal(item: EvidenceItem) -> str:
    """Why a file someone may see is not served, in words they can act on."""
    stored = item.stored_file
    if stored.quarantined:
        reasons = "; ".join(stored.reasons) or _("it did not pass the checks")
        return _("“%(title)s” was rejected (%(reasons)s) and is never served.") % {
            "title": item.title,
            "reasons": reasons,
        }
    return _(
        "“%(title)s” is still being checked (its type, malware and personal data checks "
        "have not finished) and can be downloaded once they have. Try again in a few minutes."
    ) % {"title": item.title}


def can_manage_packs(user: AnyUser, organisation) -> bool:
    from qualification.enums import MembershipRole

    return MembershipRole.ORG_ADMIN in organisation_roles(user, organisation)
