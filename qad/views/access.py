"""Finding the submission a URL names, for a user allowed to see it (404 otherwise)."""

from __future__ import annotations

from django.http import Http404

from qad.answer_rows import AnswerRow, latest_answer
from qad.models import Revision, Submission
from qad.published import template_outline
from qad.rules import can_view_submission
from qad.submission_rows import submission_with_roles


def submission_for(user, public_id) -> Submission:
    """The submission `public_id` with its qualification, organisation, wave and template,
    for a user allowed to see it; the checks this request makes on it ask who the user is in
    the participant no more (their roles are read with it)."""
    submission = submission_with_roles(user, public_id)
    # Another organisation's submission does not exist for you: 404, not 403.
    if submission is None or not can_view_submission(user, submission):
        raise Http404
    return submission


def current_revision(submission: Submission) -> Revision:
    return submission.revisions.order_by("-number").first()


def latest_answer_for(user, public_id, question_ref: str) -> AnswerRow:
    """The answer to question `question_ref` in the latest revision of a submission the user
    may see (404 otherwise), with its published question: what `submission_for`,
    `current_revision` and a lookup of the answer give, read at once (an autosave asks for
    it on every pause in typing)."""
    found = latest_answer(user, public_id, question_ref)
    if found is None:
        raise Http404
    answer = found.answer
    submission = answer.revision.submission
    if not can_view_submission(user, submission):
        raise Http404
    found.outline = template_outline(submission.template)
    answer.question = found.outline.questions[answer.question_id]
    return found
