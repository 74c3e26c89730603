"""Who may add evidence, and who may download it."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from evidence.models import EvidenceItem, EvidenceLink, EvidencePack
from qad.models import Submission
from qad.rules import can_edit_submission
from qualification.enums import MembershipRole
from qualification.models import CodeBodyMembership, MarketRole, Membership
from qualification.rules import AnyUser, is_portal_admin, organisation_roles


def can_add_evidence(user: AnyUser, submission: Submission) -> bool:
    return can_edit_submission(user, submission)


def visible_evidence(user: AnyUser) -> QuerySet[EvidenceItem]:
    """The one rule for which evidence a person may know exists (its title, its state),
    whatever its checks found; every page that lists or names evidence reads through it
    (`evidence_visibility` as a filter on a query set of its own):

    - the uploader's organisation: its people see what it uploaded for its QADs (a revision
      still being written is their own working copy, as its pages are,
      qad.rules.can_view_submission); the evidence packs it publishes, only its admins, who
      manage them;
    - an organisation granted an evidence pack: its people see the pack's items;
    - a Code Body's people: what supports a submitted revision of a qualification whose roles
      that Code Body approves, never a draft's files nor a pack not relied on there;
    - portal admins: everything."""
    return EvidenceItem.objects.filter(evidence_visibility(user))


def evidence_visibility(user: AnyUser) -> Q:
    """`visible_evidence` as a condition on evidence items."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if is_portal_admin(user):
        return Q()
    memberships = Membership.objects.filter(user=user).order_by()
    mine = memberships.values("organisation_id")
    managed = memberships.filter(role=MembershipRole.ORG_ADMIN).values("organisation_id")
    visible = (
        Q(organisation__in=mine, pack__isnull=True)
        | Q(organisation__in=managed)
        | Q(pack__in=EvidencePack.objects.filter(granted_to__in=mine).values("pk"))
    )
    # The market roles the reader's Code Bodies approve, read first as a list: joined from a
    # link all the way to its Code Body, PostgreSQL took 40 to 50 ms to plan each query of
    # the rule (the evidence register's, 300 organisations), and 5 ms over the list.
    approved = list(
        MarketRole.approvers.through.objects.filter(
            codebody__in=CodeBodyMembership.objects.filter(user=user).values("code_body")
        )
        .values_list("marketrole_id", flat=True)
        .distinct()
    )
    if approved:
        visible |= Q(
            Exists(
                EvidenceLink.objects.filter(
                    item=OuterRef("pk"),
                    revision__submitted_at__isnull=False,
                    revision__submission__qualification__roles__market_role__in=approved,
                )
            )
        )
    return visible


def can_see_evidence(user: AnyUser, item: EvidenceItem) -> bool:
    """Whether this user may know the item exists: `visible_evidence`, for one item."""
    if is_portal_admin(user):
        return True
    if item.pack_id is None and organisation_roles(user, item.organisation_id):
        return True  # the common case, without the whole rule's query
    return visible_evidence(user).filter(pk=item.pk).exists()


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
    return MembershipRole.ORG_ADMIN in organisation_roles(user, organisation)
