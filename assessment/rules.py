"""Who may see and act on Code Body reviews and decisions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache as once

from qualification.enums import CodeBodyRole
from qualification.models import CodeBody, CodeBodyMembership, MarketRole, QualificationRole
from qualification.rules import (
    AnyUser,
    code_body_roles,
    is_portal_admin,
    organisation_roles,
)
from qualification.sql_rows import fetch

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


def _role_and_approval(user: AnyUser, review) -> tuple[str | None, bool]:
    """The user's role in the review's Code Body, and whether that Code Body approves one of
    the qualification's roles. Asked on every read of a review page, so in SQL written once:
    the ORM took eight times longer to build this query than the database took to run it.
    Answered without asking when the review was read with them (`review_with_access`)."""
    if not user.is_authenticated or not user.is_active:
        return None, False
    known = getattr(review, "_reader_access", None)
    if known is not None and known[0] == user.pk:
        return known[1], known[2]
    rows = fetch(
        _role_and_approval_sql(),
        [review.submission.qualification_id, user.pk, review.code_body_id],
    )
    return (rows[0][0], bool(rows[0][1])) if rows else (None, False)


def remember_review_access(user: AnyUser, review, role: str | None, approves: bool) -> None:
    """Remember on `review` (an object read for one request) the user's role in its Code Body
    and whether that Code Body approves the qualification, read with it."""
    review._reader_access = (user.pk, role, approves)


def approves_sql(qualification: str, code_body: str) -> str:
    """Whether the Code Body `code_body` (an SQL expression) approves one of the roles of the
    qualification `qualification`."""
    approvers = MarketRole._meta.get_field("approvers")
    return f"""EXISTS (
            SELECT 1 FROM {QualificationRole._meta.db_table} r
            JOIN {approvers.remote_field.through._meta.db_table} a
              ON a.{approvers.m2m_column_name()} = r.market_role_id
            WHERE r.qualification_id = {qualification}
              AND a.{approvers.m2m_reverse_name()} = {code_body}
        )"""


@once
def _role_and_approval_sql() -> str:
    return f"""
        SELECT m.role, {approves_sql("%s", "m.code_body_id")}
        FROM {CodeBodyMembership._meta.db_table} m
        WHERE m.user_id = %s AND m.code_body_id = %s
        ORDER BY m.id
        LIMIT 1
    """


def can_view_review(user: AnyUser, review) -> bool:
    return review_access(user, review).can_view


def can_assess(user: AnyUser, review) -> bool:
    return review_access(user, review).can_assess


# Who decides a Supplier's Smart Meter Segment exemption (P476): the BSC Performance
# Assurance Board grants it, the REC allows the derogation.
SMS_EXEMPTION_DECIDERS = ("BSC", "REC")


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


def can_confirm_step(user: AnyUser, step) -> bool:
    """A Service Activation step named for a Code Body is confirmed by one of its lead
    assessors; the others by the Programme, whose people are the portal admins."""
    if step.confirmer_id:
        return is_lead(user, step.confirmer)
    return is_portal_admin(user)
