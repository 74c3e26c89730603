"""Who may see and act on Code Body reviews and decisions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet, Subquery, Value

from qualification.enums import CodeBodyRole
from qualification.models import CodeBody, CodeBodyMembership, QualificationRole
from qualification.rules import (
    AnyUser,
    code_body_roles,
    is_portal_admin,
    organisation_roles,
)

ACTING_ROLES = (CodeBodyRole.ASSESSOR, CodeBodyRole.LEAD_ASSESSOR)


def role_in(user: AnyUser, code_body: CodeBody) -> str | None:
    return code_body_roles(user).get(code_body.code)


@dataclass(frozen=True)
class ReviewAccess:
    """What a user may do on one review, from one reading of their roles."""

    can_view: bool
    can_assess: bool
    is_lead: bool


def review_access(user: AnyUser, review) -> ReviewAccess:
    """Viewing: members of the Code Body (read-only reviewers too) of a participant it
    approves, and portal admins; assessing: its assessors and lead assessors among those;
    leading: its lead assessors."""
    role, approves = _role_and_approval(user, review)
    can_view = is_portal_admin(user) or (role is not None and approves)
    return ReviewAccess(
        can_view=can_view,
        can_assess=can_view and role in ACTING_ROLES,
        is_lead=role == CodeBodyRole.LEAD_ASSESSOR,
    )


def with_reader_access(reviews: QuerySet, user: AnyUser) -> QuerySet:
    """The reviews, each read with what `review_access` asks about this user (their role in
    its Code Body, and that Code Body's approval of its qualification): no query of its own
    on a page that reads a review on every request."""
    if not user.is_authenticated or not user.is_active:
        return reviews
    return reviews.annotate(
        access_reader_id=Value(user.pk),
        access_reader_role=Subquery(
            CodeBodyMembership.objects.filter(user=user, code_body=OuterRef("code_body"))
            .order_by()
            .values("role")[:1]
        ),
        access_code_body_approves=Exists(
            QualificationRole.objects.filter(
                qualification=OuterRef("submission__qualification"),
                market_role__approvers=OuterRef("code_body"),
            )
        ),
    )


def _role_and_approval(user: AnyUser, review) -> tuple[str | None, bool]:
    """The user's role in the review's Code Body, and whether that Code Body approves one of
    the qualification's roles: read with the review (`with_reader_access`), or one query."""
    if not user.is_authenticated or not user.is_active:
        return None, False
    if getattr(review, "access_reader_id", None) == user.pk:
        return review.access_reader_role, review.access_code_body_approves
    approves = QualificationRole.objects.filter(
        qualification_id=review.submission.qualification_id,
        market_role__approvers=review.code_body_id,
    )
    found = (
        CodeBodyMembership.objects.filter(user=user, code_body_id=review.code_body_id)
        .order_by()
        .annotate(approves=Exists(approves))
        .values_list("role", "approves")
        .first()
    )
    return found if found is not None else (None, False)


def can_view_review(user: AnyUser, review) -> bool:
    return review_access(user, review).can_view


def can_assess(user: AnyUser, review) -> bool:
    return review_access(user, review).can_assess


def is_lead(user: AnyUser, code_body: CodeBody) -> bool:
    return role_in(user, code_body) == CodeBodyRole.LEAD_ASSESSOR


def can_decide(user: AnyUser, approval) -> bool:
    """Only a lead assessor of the approving Code Body records its decision."""
    return is_lead(user, approval.code_body)


def can_view_board(user: AnyUser, code_body: CodeBody) -> bool:
    """The meetings of a board that decides approvals, and their packs: the Code Body's
    assessors and lead assessors, who prepare them; its read-only reviewers, who include the
    board's members; and portal admins."""
    if not code_body.decides_at_meeting:
        return False
    return is_portal_admin(user) or role_in(user, code_body) is not None


def can_view_approval_letter(user: AnyUser, qualification_role) -> bool:
    """A role's approval letter: anyone in the organisation it is addressed to, the people of
    the Code Bodies that approve that role (not those of the qualification's other roles), and
    portal admins."""
    if is_portal_admin(user):
        return True
    if organisation_roles(user, qualification_role.qualification.organisation):
        return True
    approvers = {body.code for body in qualification_role.market_role.approvers.all()}
    return bool(set(code_body_roles(user)) & approvers)
