"""Who may see and act on Code Body reviews and decisions."""

from __future__ import annotations

from qualification.enums import CodeBodyRole
from qualification.models import CodeBody
from qualification.rules import AnyUser, approving_code_bodies, code_body_roles, is_portal_admin

ACTING_ROLES = (CodeBodyRole.ASSESSOR, CodeBodyRole.LEAD_ASSESSOR)


def role_in(user: AnyUser, code_body: CodeBody) -> str | None:
    return code_body_roles(user).get(code_body.code)


def can_view_review(user: AnyUser, review) -> bool:
    """Members of the Code Body (read-only reviewers too) and portal admins."""
    if is_portal_admin(user):
        return True
    if role_in(user, review.code_body) is None:
        return False
    return review.code_body.code in approving_code_bodies(review.submission.qualification)


def can_assess(user: AnyUser, review) -> bool:
    return can_view_review(user, review) and role_in(user, review.code_body) in ACTING_ROLES


def is_lead(user: AnyUser, code_body: CodeBody) -> bool:
    return role_in(user, code_body) == CodeBodyRole.LEAD_ASSESSOR


def can_decide(user: AnyUser, approval) -> bool:
    """Only a lead assessor of the approving Code Body records its decision."""
    return is_lead(user, approval.code_body)
