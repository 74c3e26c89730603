"""Finding the review, Code Body, board or role a URL names, for a user allowed to see it
(404 otherwise)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from assessment.models import Review
from assessment.review_rows import code_body_with_role, review_with_access
from assessment.rules import (
    ReviewAccess,
    can_view_approval_letter,
    can_view_board,
    can_view_review,
    review_access,
)
from qualification.models import CodeBody, QualificationRole
from qualification.rules import is_portal_admin


def _review(user, public_id) -> Review:
    """The review with what its access check reads (its submission, qualification and Code
    Body) and that check's answer for this user, read at once; the rest (the organisation,
    the template, the assignee) is read by the pages that draw it."""
    review = review_with_access(user, public_id)
    if review is None:
        raise Http404
    return review


def review_for(user, public_id) -> Review:
    review = _review(user, public_id)
    if not can_view_review(user, review):
        raise Http404
    return review


def review_and_access_for(user, public_id) -> tuple[Review, ReviewAccess]:
    """The review, with what this user may do on it (their roles asked for once)."""
    review = _review(user, public_id)
    access = review_access(user, review)
    if not access.can_view:
        raise Http404
    return review, access


def code_body_for(user, code: str) -> CodeBody:
    """The Code Body `code`, for its own people and portal admins (read with the reader's
    role in it: the work queue asks on every read)."""
    found = code_body_with_role(user, code.upper())
    if found is None or (found[1] is None and not is_portal_admin(user)):
        raise Http404
    return found[0]


def board_for(user, code: str) -> CodeBody:
    """A Code Body whose approvals are decided at board meetings, for someone who may see
    its meetings."""
    code_body = get_object_or_404(CodeBody, code=code.upper())
    if not can_view_board(user, code_body):
        raise Http404
    return code_body


def letter_role_for(user, public_id, role_code: str) -> QualificationRole:
    """A role of a qualification (named by the qualification's public id and the role's
    code), for someone who may see its approval letter."""
    role = get_object_or_404(
        QualificationRole.objects.select_related(
            "qualification__organisation", "market_role", "mpid"
        ),
        qualification__public_id=public_id,
        market_role__code=role_code.upper(),
    )
    if not can_view_approval_letter(user, role):
        raise Http404
    return role
