"""sign_off_matches: the Final QAD is signed, over exactly the content of this revision."""

import datetime as dt

import pytest

from assessment.enums import CheckStatus
from qad.enums import SubmissionStage, SubmissionState
from qad.models import Answer, Revision, Signature, Submission
from qad.selectors import applicable_questions
from qad.services.signing import submission_sign
from qad.services.submissions import revision_open_for_clarifications, submission_transition
from tests.assessment.support import run_check, set_answers, submit
from tests.qualification.factories import PASSWORD

pytestmark = pytest.mark.django_db

SIGN_OFF = ["11.1.1", "11.1.2", "11.2.1", "11.2.2", "11.2.3", "11.2.4"]
SIGNED_AT = dt.datetime(2025, 6, 5, 14, 0, tzinfo=dt.UTC)


def as_final(participant):
    """The participant's QAD as a Final QAD (signed at the end, unlike the Initial), with the
    questions only a Final QAD asks (the declaration and sign-off)."""
    Submission.objects.filter(pk=participant.submission.pk).update(stage=SubmissionStage.FINAL)
    participant.submission.refresh_from_db()
    asked = set(participant.revision.answers.values_list("question_id", flat=True))
    Answer.objects.bulk_create(
        Answer(revision=participant.revision, question=question)
        for question in applicable_questions(
            template=participant.submission.template,
            qualification=participant.qualification,
            stage=SubmissionStage.FINAL,
        )
        if question.pk not in asked
    )
    return participant


def final(participant):
    as_final(participant)
    set_answers(participant, {"11.1.1": True, "11.1.2": True, "11.2.1": "Margaret Lowe"})
    return participant


def agree_and_sign(participant) -> Signature:
    for target in (SubmissionState.UNDER_REVIEW, SubmissionState.AGREED_COMPLETE):
        submission_transition(submission=participant.submission, target=target, actor=None)
    participant.submission.refresh_from_db()
    signature = submission_sign(
        submission=participant.submission,
        user=participant.signatory,
        password=PASSWORD,
        declaration_confirmed=True,
    )
    Signature.objects.filter(pk=signature.pk).update(signed_at=SIGNED_AT)
    return signature


def test_a_signature_over_this_revision_passes(supplier):
    final(supplier)
    submit(supplier)
    agree_and_sign(supplier)

    outcome = run_check("sign_off_matches", supplier, SIGN_OFF)

    assert outcome.status == CheckStatus.PASS
    assert outcome.message == (
        "Signed by Margaret Lowe (Company Director) on 5 Jun 2025; the signature matches the "
        "content of revision 1."
    )
    assert outcome.questions == tuple(SIGN_OFF)


def test_a_final_qad_not_signed_yet_is_a_warning(supplier):
    final(supplier)
    submit(supplier)

    outcome = run_check("sign_off_matches", supplier, SIGN_OFF)

    assert (outcome.status, outcome.message) == (
        CheckStatus.WARNING,
        "Not signed yet: a Director (or permitted delegate) signs once the Code Bodies agree "
        "the content is complete.",
    )


def test_the_initial_qad_needs_no_sign_off_unless_the_criterion_says_so(supplier):
    submit(supplier)

    default = run_check("sign_off_matches", supplier, SIGN_OFF)
    both = run_check("sign_off_matches", supplier, SIGN_OFF, {"stages": ["initial", "final"]})

    assert (default.status, default.message) == (
        CheckStatus.NOT_APPLICABLE,
        "Sign-off is checked for the Final QAD only; this is the Initial QAD.",
    )
    assert both.status == CheckStatus.WARNING


def test_a_signature_over_other_content_fails(supplier):
    final(supplier)
    submit(supplier)
    signature = agree_and_sign(supplier)
    Signature.objects.filter(pk=signature.pk).update(content_hash="0" * 64)

    outcome = run_check("sign_off_matches", supplier, SIGN_OFF)

    assert outcome.status == CheckStatus.FAIL
    assert outcome.message == (
        "The signature by Margaret Lowe (Company Director) on 5 Jun 2025 was made over "
        "different content from revision 1: the content hashes differ."
    )


def test_content_changed_after_submission_fails(supplier):
    final(supplier)
    revision = submit(supplier)
    agree_and_sign(supplier)
    Answer.objects.filter(revision=revision, question__ref="11.2.1").update(value="Someone Else")

    outcome = run_check("sign_off_matches", supplier, SIGN_OFF)

    assert (outcome.status, outcome.message) == (
        CheckStatus.FAIL,
        "The content of revision 1 no longer matches the hash recorded when it was submitted.",
    )


def test_a_signature_on_an_earlier_revision_does_not_cover_this_one(supplier):
    final(supplier)
    first = submit(supplier)
    for target in (SubmissionState.UNDER_REVIEW, SubmissionState.CLARIFICATION_REQUESTED):
        submission_transition(submission=supplier.submission, target=target, actor=None)
    second = revision_open_for_clarifications(
        submission=supplier.submission, reopened_question_ids=set()
    )
    submit(supplier)
    Signature.objects.create(
        submission=supplier.submission,
        revision=first,
        signatory=supplier.signatory,
        signatory_name="Margaret Lowe",
        capacity="director",
        declaration="I confirm.",
        content_hash=first.content_hash,
    )
    Signature.objects.update(signed_at=SIGNED_AT)

    outcome = run_check("sign_off_matches", supplier, SIGN_OFF)

    assert Revision.objects.get(pk=second.pk).is_frozen
    assert outcome.message == (
        "The signature by Margaret Lowe (Company Director) on 5 Jun 2025 covers revision 1, "
        "not revision 2."
    )
