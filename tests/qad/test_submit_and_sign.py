"""The checklist, submitting (once), notifying the Code Bodies, and signing."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from qad.enums import SubmissionState
from qad.models import Signature, SubmissionTransition
from qad.services.answers import answer_save
from qad.services.submissions import submission_transition
from qualification.enums import CodeBodyRole, MembershipRole, QualificationState, SignatoryCapacity
from qualification.models import Membership
from qualification.services import qualification_transition
from tests.qualification.factories import PASSWORD, CodeBodyMemberFactory, code_body

pytestmark = pytest.mark.django_db

COMPLETE = {
    "3.1": "We operate MHHS in house.",
    "3.2": True,
    "3.3": "in_house",
    "4.1": "2025-03-01",
    "4.2": "2025-06-30",
    "4.3": 412,
    "4.4": [{"reference": "DEF-1", "due": "2026-12-31"}],
}


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def fill(participant, answers=COMPLETE, by=None):
    for ref, value in answers.items():
        answer = participant.answer(ref)
        answer_save(
            answer=answer,
            value=value,
            expected_version=answer.version,
            by=by or participant.contributor,
        )


def checklist(client, participant):
    return text(
        client.get(reverse("submission-checklist", args=[participant.submission.public_id]))
    )


def submit(client, participant, revision=1):
    return client.post(
        reverse("submission-submit", args=[participant.submission.public_id]),
        {"revision": revision},
    )


def test_the_checklist_lists_every_missing_required_answer_with_a_link(client, northwind):
    client.force_login(northwind.contributor)
    page = checklist(client, northwind)
    assert "7 things still need doing before you can submit." in page
    section = reverse("submission-section", args=[northwind.submission.public_id, "4"])
    assert f'<a href="{section}#q-4-3">4.3</a>: Answer this question.' in page
    assert "4.5" not in page, "an optional evidence-only question is not missing"

    fill(northwind, {"3.1": "Done", "4.3": 3})

    assert "5 things still need doing" in checklist(client, northwind)


def test_the_checklist_lists_required_evidence_that_is_not_attached(client, shipped_versions):
    from tests.participants import Participant

    participant = Participant("Evidence Ltd")
    client.force_login(participant.contributor)
    page = checklist(client, participant)
    assert "Attach evidence: Test completion report." in page


def test_a_complete_qad_is_submitted_once_frozen_and_the_code_bodies_are_told(
    client, northwind, django_capture_on_commit_callbacks
):
    bsc = CodeBodyMemberFactory(code_body=code_body("BSC"), user__email="analyst@bsc.example")
    CodeBodyMemberFactory(code_body=code_body("REC"), user__email="pa@rec.example")
    fill(northwind)
    client.force_login(northwind.admin)
    assert "Nothing is missing" in checklist(client, northwind)

    with django_capture_on_commit_callbacks(execute=True):
        first = submit(client, northwind)
        second = submit(client, northwind)  # a double click, or a second tab

    assert first.status_code == second.status_code == 302
    northwind.submission.refresh_from_db()
    assert northwind.submission.state == SubmissionState.SUBMITTED
    assert SubmissionTransition.objects.filter(to_state="submitted").count() == 1
    revision = northwind.revision
    assert revision.is_frozen and len(revision.content_hash) == 64
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == [bsc.user.email, "pa@rec.example"]
    assert "Northwind Energy Supply Ltd submitted its Initial QAD (revision 1)" in (
        mail.outbox[0].subject
    )
    page = text(client.get(reverse("submission-detail", args=[northwind.submission.public_id])))
    assert "This revision is read-only." in page and revision.content_hash in page


def test_an_incomplete_qad_cannot_be_submitted(client, northwind):
    client.force_login(northwind.admin)
    response = submit(client, northwind)
    assert response["Location"].endswith("/checklist/")
    northwind.submission.refresh_from_db()
    assert northwind.submission.state == SubmissionState.DRAFT
    assert not northwind.revision.is_frozen


def test_a_contributor_cannot_submit(client, northwind):
    fill(northwind)
    client.force_login(northwind.contributor)
    assert submit(client, northwind).status_code == 403
    northwind.submission.refresh_from_db()
    assert northwind.submission.state == SubmissionState.DRAFT


def agree_complete(participant):
    """What the Code Bodies' review decides (their screens come with the assessor pages)."""
    fill(participant)
    submission_transition(
        submission=participant.submission, target=SubmissionState.SUBMITTED, actor=participant.admin
    )
    submission_transition(
        submission=participant.submission, target=SubmissionState.UNDER_REVIEW, actor=None
    )
    submission_transition(
        submission=participant.submission, target=SubmissionState.AGREED_COMPLETE, actor=None
    )


@pytest.fixture
def agreed_final(northwind):
    """Northwind's Final QAD, agreed complete by the Code Bodies."""
    from qad.services.submissions import final_qad_start

    agree_initial = northwind.submission
    fill(northwind)
    submission_transition(
        submission=agree_initial, target=SubmissionState.SUBMITTED, actor=northwind.admin
    )
    northwind.submission = final_qad_start(
        qualification=northwind.qualification, by=northwind.admin
    )
    submission_transition(
        submission=northwind.submission, target=SubmissionState.SUBMITTED, actor=northwind.admin
    )
    for target in (SubmissionState.UNDER_REVIEW, SubmissionState.AGREED_COMPLETE):
        submission_transition(submission=northwind.submission, target=target, actor=None)
    qualification_transition(
        qualification=northwind.qualification,
        target=QualificationState.AWAITING_SIGNATURE,
        actor=None,
    )
    return northwind


def sign(client, participant, password=PASSWORD, confirm=True):
    data = {"password": password}
    if confirm:
        data["confirm"] = "on"
    return client.post(reverse("submission-sign", args=[participant.submission.public_id]), data)


def test_the_final_qad_starts_from_the_initial_qads_answers(agreed_final):
    assert agreed_final.answer("3.1").value == COMPLETE["3.1"]
    assert agreed_final.answer("4.4").value == COMPLETE["4.4"]


def test_a_director_signs_the_agreed_final_qad_with_password_and_declaration(client, agreed_final):
    client.force_login(agreed_final.signatory)
    page = text(client.get(reverse("submission-sign", args=[agreed_final.submission.public_id])))
    assert "I confirm that I am authorised to sign on behalf of Northwind Energy Supply Ltd" in page

    response = sign(client, agreed_final)

    assert response.status_code == 302
    signature = Signature.objects.get()
    revision = agreed_final.revision
    assert (signature.signatory, signature.capacity, signature.content_hash) == (
        agreed_final.signatory,
        SignatoryCapacity.DIRECTOR,
        revision.content_hash,
    )
    agreed_final.submission.refresh_from_db()
    agreed_final.qualification.refresh_from_db()
    assert agreed_final.submission.state == SubmissionState.SIGNED
    assert agreed_final.qualification.state == QualificationState.AWAITING_APPROVAL


def test_signing_needs_the_right_password_and_the_declaration(client, agreed_final):
    client.force_login(agreed_final.signatory)
    wrong = sign(client, agreed_final, password="not my password")
    unconfirmed = sign(client, agreed_final, confirm=False)
    assert "That password is not right." in text(wrong)
    assert "Confirm the declaration to sign." in text(unconfirmed)
    assert not Signature.objects.exists()


@pytest.mark.parametrize("who", ["contributor", "admin"])
def test_only_a_signatory_can_sign(client, agreed_final, who):
    client.force_login(getattr(agreed_final, who))
    assert (
        client.get(reverse("submission-sign", args=[agreed_final.submission.public_id])).status_code
        == 403
    )
    assert sign(client, agreed_final).status_code == 403
    assert not Signature.objects.exists()


def test_a_delegate_cannot_sign_for_a_supplier(client, agreed_final):
    Membership.objects.filter(user=agreed_final.signatory).update(
        signatory_capacity=SignatoryCapacity.DELEGATE
    )
    client.force_login(agreed_final.signatory)
    assert sign(client, agreed_final).status_code == 403
    assert not Signature.objects.exists()


def test_nothing_can_be_edited_after_signing(client, agreed_final):
    client.force_login(agreed_final.signatory)
    sign(client, agreed_final)
    client.force_login(agreed_final.contributor)
    answer = agreed_final.answer("3.1")
    p = f"q{answer.question_id}"
    client.post(
        reverse("answer-autosave", args=[agreed_final.submission.public_id, "3.1"]),
        {f"{p}-version": answer.version, f"{p}-value": "Changed after signing"},
        HTTP_HX_REQUEST="true",
    )
    assert agreed_final.answer("3.1").value == COMPLETE["3.1"]
    assert sign(client, agreed_final).status_code == 403


def test_an_assessor_reads_but_cannot_sign_or_submit(client, agreed_final):
    assessor = CodeBodyMemberFactory(
        code_body=code_body("BSC"), role=CodeBodyRole.LEAD_ASSESSOR
    ).user
    client.force_login(assessor)
    detail = reverse("submission-detail", args=[agreed_final.submission.public_id])
    assert client.get(detail).status_code == 200
    assert sign(client, agreed_final).status_code == 404
    assert not Signature.objects.exists()


def test_the_timeline_says_who_saved_submitted_and_signed(client, agreed_final):
    client.force_login(agreed_final.signatory)
    sign(client, agreed_final)
    client.force_login(agreed_final.admin)
    page = text(client.get(agreed_final.qualification.get_absolute_url()))
    assert "Ben Okafor</span>: Saved 3 answers in section 3" in page
    assert "Ben Okafor</span>: Saved 4 answers in section 4" in page
    assert "Olivia Hart</span>: Initial QAD revision 1: Submitted to the Code Bodies" in page
    assert (
        "Margaret Lowe</span>: Final QAD revision 1: Signed by Margaret Lowe (Company Director)"
        in page
    )


def test_a_signatory_of_a_membership_role_admin_sees_the_sign_button(client, agreed_final):
    client.force_login(agreed_final.signatory)
    page = text(client.get(reverse("submission-detail", args=[agreed_final.submission.public_id])))
    assert "Sign the Final QAD" in page
    Membership.objects.filter(user=agreed_final.signatory).update(
        role=MembershipRole.CONTRIBUTOR, signatory_capacity=""
    )
    page = text(client.get(reverse("submission-detail", args=[agreed_final.submission.public_id])))
    assert "Sign the Final QAD" not in page
