"""Who may read, edit, submit and sign a QAD submission."""

from __future__ import annotations

from collections.abc import Iterable

from qad.enums import SubmissionStage, SubmissionState
from qad.models import Answer, Revision, Submission
from qualification.enums import MembershipRole, SignatoryCapacity
from qualification.models import Membership
from qualification.rules import (
    AnyUser,
    can_view_qualification,
    is_portal_admin,
    organisation_roles,
)

EDITABLE_STATES = (SubmissionState.DRAFT, SubmissionState.CLARIFICATION_REQUESTED)


def can_view_submission(user: AnyUser, submission: Submission) -> bool:
    """The participant's own people and portal admins always; a Code Body that approves the
    qualification once the QAD has been submitted to it: a draft is the participant's own
    working copy."""
    if is_portal_admin(user) or is_participant(user, submission):
        return True
    return submission.state != SubmissionState.DRAFT and can_view_qualification(
        user, submission.qualification
    )


def is_participant(user: AnyUser, submission: Submission) -> bool:
    return bool(participant_roles(user, submission))


def participant_roles(user: AnyUser, submission: Submission) -> set[str]:
    """The user's roles in the participant organisation. Asked once per submission object
    that `remember_participant_roles` was given (as `submission_for` does for the one it
    reads for a request), then answered from it for that same user."""
    known = getattr(submission, "_participant_roles", None)
    if known is not None and known[0] == user.pk:
        return set(known[1])
    return organisation_roles(user, submission.qualification.organisation_id)


def remember_participant_roles(
    user: AnyUser, submission: Submission, roles: Iterable[str] | None = None
) -> None:
    """Ask for the user's roles in the participant once, for every check made on this
    submission object; use on an object read for one request only. `roles`: the user's
    roles, when read with the submission."""
    if roles is None:
        roles = organisation_roles(user, submission.qualification.organisation_id)
    submission._participant_roles = (user.pk, frozenset(roles))


def can_edit_submission(user: AnyUser, submission: Submission) -> bool:
    """Any member of the participant may edit its QAD while it is a draft, or answer
    clarifications; nobody else, and nothing once it is submitted or signed."""
    return submission.state in EDITABLE_STATES and is_participant(user, submission)


def can_edit_answer(user: AnyUser, answer: Answer, revision: Revision) -> bool:
    if revision.is_frozen or not can_edit_submission(user, revision.submission):
        return False
    if revision.submission.state == SubmissionState.CLARIFICATION_REQUESTED:
        return answer.reopened
    return True


def answers_editable(user: AnyUser, answers: list[Answer], revision: Revision) -> dict[int, bool]:
    """{answer id: can_edit_answer(...)} for many answers of one revision, asking who the
    user is once rather than once per answer."""
    if revision.is_frozen or not can_edit_submission(user, revision.submission):
        return {answer.pk: False for answer in answers}
    reopened_only = revision.submission.state == SubmissionState.CLARIFICATION_REQUESTED
    return {answer.pk: answer.reopened or not reopened_only for answer in answers}


def submits_for_participant(user: AnyUser, submission: Submission) -> bool:
    """Organisation admins and signatories submit their organisation's QAD."""
    roles = participant_roles(user, submission)
    return bool(roles & {MembershipRole.ORG_ADMIN, MembershipRole.SIGNATORY})


def can_submit(user: AnyUser, submission: Submission) -> bool:
    return submission.state in EDITABLE_STATES and submits_for_participant(user, submission)


def signing_capacity(user: AnyUser, submission: Submission) -> str | None:
    """The capacity in which this user may sign, or None.

    A Company Director may sign any QAD; a delegate only where every role sought is governed
    by the REC alone (Metering Services).
    """
    if not user.is_authenticated or submission.state != SubmissionState.AGREED_COMPLETE:
        return None
    if submission.stage != SubmissionStage.FINAL:
        return None  # the Director signs the Final QAD
    membership = Membership.objects.filter(
        user=user,
        organisation=submission.qualification.organisation,
        role=MembershipRole.SIGNATORY,
    ).first()
    if membership is None:
        return None
    if membership.signatory_capacity == SignatoryCapacity.DIRECTOR:
        return SignatoryCapacity.DIRECTOR
    roles = submission.qualification.roles.select_related("market_role").prefetch_related(
        "market_role__approvers"
    )
    if all(role.market_role.delegate_may_sign for role in roles):
        return SignatoryCapacity.DELEGATE
    return None
