"""Responding to clarifications: only the questions asked about reopen, in a new revision;
the earlier revision stays readable."""

import re

import pytest
from django.urls import reverse

from assessment.models import Clarification
from assessment.services.clarifications import clarification_raise, clarifications_send
from qad.enums import SubmissionState
from qad.services.submissions import submission_transition
from tests.qad.test_submit_and_sign import COMPLETE, fill
from tests.qualification.factories import CodeBodyMemberFactory, code_body

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def asked(northwind):
    """Northwind submitted; the BSC asks about 4.3."""
    fill(northwind)
    submission_transition(
        submission=northwind.submission, target=SubmissionState.SUBMITTED, actor=northwind.admin
    )
    assessor = CodeBodyMemberFactory(code_body=code_body("BSC")).user
    question = northwind.answer("4.3").question
    clarification = clarification_raise(
        submission=northwind.submission,
        question=question,
        code_body=code_body("BSC"),
        text="Your exit report says 398 passed; which is right?",
        by=assessor,
    )
    clarifications_send(submission=northwind.submission, code_body=code_body("BSC"), by=assessor)
    northwind.submission.refresh_from_db()
    clarification.refresh_from_db()
    return northwind, clarification


def autosave(client, participant, ref, value):
    answer = participant.answer(ref)
    p = f"q{answer.question_id}"
    return client.post(
        reverse("answer-autosave", args=[participant.submission.public_id, ref]),
        {f"{p}-version": answer.version, f"{p}-value": value},
        HTTP_HX_REQUEST="true",
    )


def test_sending_clarifications_opens_revision_2_with_only_that_question_reopened(asked):
    participant, clarification = asked
    assert participant.submission.state == SubmissionState.CLARIFICATION_REQUESTED
    assert clarification.state == Clarification.State.OPEN
    revision = participant.revision
    assert revision.number == 2 and not revision.is_frozen
    reopened = set(revision.answers.filter(reopened=True).values_list("question__ref", flat=True))
    assert reopened == {"4.3"}
    assert participant.answer("3.1").value == COMPLETE["3.1"], "answers carried over"


def test_the_participant_edits_only_reopened_questions(client, asked):
    participant, _ = asked
    client.force_login(participant.contributor)

    autosave(client, participant, "4.3", "398")
    refused = autosave(client, participant, "3.1", "Rewritten while nobody asked")

    assert participant.answer("4.3").value == 398
    assert "This answer cannot be changed now." in text(refused)
    assert participant.answer("3.1").value == COMPLETE["3.1"]


def test_the_participant_answers_in_the_thread_and_resubmits_revision_2(client, asked):
    participant, clarification = asked
    client.force_login(participant.admin)
    section = reverse("submission-section", args=[participant.submission.public_id, "4"])
    page = text(client.get(section))
    assert "Your exit report says 398 passed; which is right?" in page

    submit = reverse("submission-submit", args=[participant.submission.public_id])
    client.post(submit, {"revision": 2})
    participant.submission.refresh_from_db()
    assert participant.submission.state == SubmissionState.CLARIFICATION_REQUESTED, (
        "an unanswered clarification blocks resubmission"
    )

    answer_url = reverse(
        "clarification-answer", args=[participant.submission.public_id, clarification.pk]
    )
    client.post(
        answer_url,
        {f"clarification-{clarification.pk}-text": "398 is right; the 412 included retests."},
    )
    autosave(client, participant, "4.3", "398")
    client.post(submit, {"revision": 2})

    participant.submission.refresh_from_db()
    clarification.refresh_from_db()
    assert participant.submission.state == SubmissionState.SUBMITTED
    assert clarification.state == Clarification.State.ANSWERED
    assert [m.text for m in clarification.messages.all()][-1] == (
        "398 is right; the 412 included retests."
    )
    first = reverse("revision-detail", args=[participant.submission.public_id, 1])
    page = text(client.get(first))
    assert "412" in page and "Submitted on" in page, "revision 1 is still readable as it was"


def test_another_organisation_cannot_answer_the_clarification(client, asked, meterline):
    participant, clarification = asked
    client.force_login(meterline.admin)
    url = reverse("clarification-answer", args=[participant.submission.public_id, clarification.pk])
    assert client.post(url, {f"clarification-{clarification.pk}-text": "x"}).status_code == 404
    assert clarification.messages.count() == 1
