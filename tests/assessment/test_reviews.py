"""The Code Body side: queue, assignment, outcomes, clarifications, changes, completion,
work-off items and approval decisions."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from assessment.models import (
    Clarification,
    CriterionOutcome,
    Review,
    ReviewAssignment,
    WorkOffItem,
)
from assessment.services.clarifications import clarification_answer
from qad.enums import SubmissionState
from qad.services.answers import answer_save
from qad.services.submissions import submission_submit
from qualification.enums import ApprovalOutcome, CodeBodyRole, QualificationState
from qualification.models import AuditEvent, RoleApproval
from tests.qualification.factories import (
    CodeBodyMemberFactory,
    UserFactory,
    code_body,
    member_of,
    start_qualification,
)

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def committed(call, *args, **kwargs):
    """Run a request or service as it runs for real: follow-up work after the commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return call(*args, **kwargs)


class People:
    def __init__(self):
        self.bsc_lead = self._member("BSC", CodeBodyRole.LEAD_ASSESSOR, "Helen Carter")
        self.bsc = self._member("BSC", CodeBodyRole.ASSESSOR, "James Whitfield")
        self.bsc_reader = self._member("BSC", CodeBodyRole.REVIEWER, "Board Member")
        self.rec_lead = self._member("REC", CodeBodyRole.LEAD_ASSESSOR, "Owen Price")
        self.rec = self._member("REC", CodeBodyRole.ASSESSOR, "Nadia Hussain")
        self.dip_lead = self._member("DIP", CodeBodyRole.LEAD_ASSESSOR, "Grace Kim")

    @staticmethod
    def _member(code, role, name):
        return CodeBodyMemberFactory(
            code_body=code_body(code), role=role, user__full_name=name
        ).user


def review(participant, code) -> Review:
    return Review.objects.get(submission=participant.submission, code_body__code=code)


def criterion(participant, ref):
    return (
        review(participant, ref.split("-")[0])
        .code_body.criteria_sets.get(version="99.0")
        .criteria.get(ref=ref)
    )


def record(client, participant, ref, outcome, comment="", question=None):
    r = review(participant, ref.split("-")[0])
    data = {"outcome": outcome, "comment": comment}
    if question:
        data["question"] = question
    return committed(
        client.post,
        reverse("outcome-record", args=[r.public_id, criterion(participant, ref).pk]),
        data,
    )


def test_submitting_opens_a_review_for_each_approving_code_body(submitted):
    reviews = Review.objects.filter(submission=submitted.submission)
    assert sorted(r.code_body.code for r in reviews) == ["BSC", "DIP", "REC"]
    assert {r.state for r in reviews} == {Review.State.WAITING}


def test_the_queue_shows_waiting_work_against_the_target_and_only_the_body_s_own(
    client, submitted, people, shipped_versions
):
    metering = start_qualification(role_codes=("MSA",))
    member = member_of(metering.organisation, "org_admin")
    fill_metering = metering.submissions.get()
    from qad.services.submissions import submission_transition

    submission_transition(submission=fill_metering, target=SubmissionState.SUBMITTED, actor=member)
    from assessment.services.reviews import reviews_open

    reviews_open(submission=fill_metering, revision=fill_metering.revisions.get())
    Review.objects.filter(submission=submitted.submission).update(
        waiting_since=timezone.now() - dt.timedelta(days=30)
    )

    client.force_login(people.bsc)
    page = text(client.get(reverse("review-queue", args=["BSC"])))
    assert "Northwind Energy Supply Ltd" in page
    assert metering.organisation.legal_name not in page, "the BSC does not approve MSA"
    assert "Overdue" in page and "/ 10" in page
    overdue = text(client.get(reverse("review-queue", args=["BSC"]), {"overdue": "yes"}))
    assert "Northwind Energy Supply Ltd" in overdue
    by_role = text(client.get(reverse("review-queue", args=["BSC"]), {"role": "ADS"}))
    assert "Northwind Energy Supply Ltd" not in by_role
    assert client.get(reverse("review-queue", args=["REC"])).status_code == 404


def test_a_lead_assigns_and_reassigns_and_each_is_recorded(client, submitted, people):
    bsc_review = review(submitted, "BSC")
    client.force_login(people.bsc_lead)
    assign = reverse("review-assign", args=[bsc_review.public_id])
    committed(client.post, assign, {"assignee": people.bsc.pk})
    committed(client.post, assign, {"assignee": people.bsc_lead.pk})

    bsc_review.refresh_from_db()
    assert bsc_review.assignee == people.bsc_lead
    assert list(
        ReviewAssignment.objects.values_list("assignee__full_name", "assigned_by__full_name")
    ) == [("James Whitfield", "Helen Carter"), ("Helen Carter", "Helen Carter")]
    assert [m.to for m in mail.outbox] == [[people.bsc.email]], (
        "told once, not on reassigning to self"
    )


def test_an_assessor_picks_up_unassigned_work_but_cannot_assign_others(client, submitted, people):
    bsc_review = review(submitted, "BSC")
    client.force_login(people.bsc)
    assign = reverse("review-assign", args=[bsc_review.public_id])
    client.post(assign, {"assignee": people.bsc_lead.pk})
    bsc_review.refresh_from_db()
    assert bsc_review.assignee is None
    client.post(assign, {"pick_up": "1"})
    bsc_review.refresh_from_db()
    assert bsc_review.assignee == people.bsc


def test_the_review_screen_shows_only_the_code_body_s_criteria(client, submitted, people):
    client.force_login(people.bsc)
    page = text(client.get(review(submitted, "BSC").get_absolute_url()))
    assert "BSC-3 Operating model described" in page and "BSC-4 Testing complete" in page
    assert "REC-3" not in page
    assert "We operate MHHS in house." in page, "the answers are shown beside the criteria"
    assert "0 of 2 criteria have an outcome" in page


def test_a_bsc_assessor_cannot_record_a_rec_outcome_nor_open_the_rec_review(
    client, submitted, people
):
    client.force_login(people.bsc)
    rec_review = review(submitted, "REC")
    response = client.post(
        reverse(
            "outcome-record",
            args=[review(submitted, "BSC").public_id, criterion(submitted, "REC-3").pk],
        ),
        {"outcome": "met"},
    )
    assert response.status_code == 404
    assert client.get(rec_review.get_absolute_url()).status_code == 404
    assert not CriterionOutcome.objects.exists()


def test_a_read_only_reviewer_sees_but_changes_nothing(client, submitted, people):
    client.force_login(people.bsc_reader)
    bsc_review = review(submitted, "BSC")
    page = text(client.get(bsc_review.get_absolute_url()))
    assert "BSC-3" in page and "Save the outcome" not in page
    assert record(client, submitted, "BSC-3", "met").status_code == 404
    client.post(reverse("review-assign", args=[bsc_review.public_id]), {"pick_up": "1"})
    client.post(reverse("review-complete", args=[bsc_review.public_id]))
    bsc_review.refresh_from_db()
    assert (bsc_review.assignee, bsc_review.state) == (None, Review.State.WAITING)
    assert not CriterionOutcome.objects.exists()


def test_clarification_round_trip_with_changes_and_completion(client, submitted, people):
    client.force_login(people.bsc)
    record(client, submitted, "BSC-3", "met")
    record(
        client,
        submitted,
        "BSC-4",
        "clarification",
        comment="Your exit report says 398 passed; which is right?",
        question=submitted.answer("4.3").question_id,
    )
    submitted.submission.refresh_from_db()
    assert submitted.submission.state == SubmissionState.UNDER_REVIEW
    committed(
        client.post, reverse("clarifications-send", args=[review(submitted, "BSC").public_id])
    )
    submitted.submission.refresh_from_db()
    assert submitted.submission.state == SubmissionState.CLARIFICATION_REQUESTED
    assert len(mail.outbox) == 1 and "asks for clarification" in mail.outbox[0].subject
    assert review(submitted, "BSC").state == Review.State.AWAITING_PARTICIPANT
    assert review(submitted, "REC").state == Review.State.WAITING, "the REC goes on reviewing"

    # The participant answers and resubmits revision 2.
    from assessment.models import Clarification
    from assessment.services.clarifications import clarification_answer
    from qad.services.answers import answer_save

    clarification_answer(
        clarification=Clarification.objects.get(),
        text="398 is right; 412 included retests.",
        by=submitted.admin,
    )
    answer = submitted.answer("4.3")
    answer_save(answer=answer, value=398, expected_version=answer.version, by=submitted.admin)
    committed(
        submission_submit, submission=submitted.submission, by=submitted.admin, revision_number=2
    )
    assert "answered your clarifications" in mail.outbox[-1].subject
    assert review(submitted, "BSC").state == Review.State.WAITING
    assert review(submitted, "REC").state == Review.State.WAITING

    changes = text(client.get(reverse("review-changes", args=[review(submitted, "BSC").public_id])))
    assert "Revision 2 compared with revision 1" in changes
    assert '<del><span class="visually-hidden">removed: </span>412</del>' in changes
    assert '<ins><span class="visually-hidden">added: </span>398</ins>' in changes
    assert "BSC-4 Testing complete</a> — was “Clarification needed” on revision 1" in changes
    screen = text(client.get(reverse("review-detail", args=[review(submitted, "BSC").public_id])))
    thread = screen.split("398 is right; 412 included retests.", 1)[1].split("</div>", 2)
    assert "Revised in answer: revision 1 said" in thread[0] and "412" in "".join(thread)

    client.force_login(people.bsc_lead)
    complete = reverse("review-complete", args=[review(submitted, "BSC").public_id])
    refused = text(client.post(complete, follow=True))
    assert "still open: BSC-4" in refused
    record(client, submitted, "BSC-4", "met")
    committed(client.post, complete)
    assert review(submitted, "BSC").state == Review.State.COMPLETE

    client.force_login(people.rec)
    record(client, submitted, "REC-3", "met")
    client.force_login(people.rec_lead)
    committed(client.post, reverse("review-complete", args=[review(submitted, "REC").public_id]))
    client.force_login(people.dip_lead)
    committed(client.post, reverse("review-complete", args=[review(submitted, "DIP").public_id]))

    submitted.submission.refresh_from_db()
    assert submitted.submission.state == SubmissionState.AGREED_COMPLETE


def complete_all(client, participant, people):
    for code, assessor, lead, refs in (
        ("BSC", people.bsc, people.bsc_lead, ["BSC-3", "BSC-4"]),
        ("REC", people.rec, people.rec_lead, ["REC-3"]),
        ("DIP", None, people.dip_lead, []),
    ):
        if assessor:
            client.force_login(assessor)
            for ref in refs:
                record(client, participant, ref, "met")
        client.force_login(lead)
        committed(
            client.post, reverse("review-complete", args=[review(participant, code).public_id])
        )


def test_an_open_required_work_off_item_blocks_the_final_qad_until_an_exception(
    client, final_in_review, people
):
    participant = final_in_review
    item = WorkOffItem.objects.create(
        qualification=participant.qualification,
        defect_reference="DEF-101",
        description="Late readings rejected",
        owner="Test Lead",
        due_date=dt.date.today() + dt.timedelta(days=30),
        created_by=participant.admin,
    )
    client.force_login(people.bsc)
    record(client, participant, "BSC-3", "met")
    record(client, participant, "BSC-4", "met")
    client.force_login(people.bsc_lead)
    complete = reverse("review-complete", args=[review(participant, "BSC").public_id])
    assert "Required work-off items are still open: DEF-101" in text(
        client.post(complete, follow=True)
    )
    assert review(participant, "BSC").state != Review.State.COMPLETE

    client.post(
        reverse("work-off", args=[participant.qualification.public_id]),
        {
            "exception_for": item.public_id,
            "code_body": "BSC",
            "reason": "Agreed with the Programme: fix in the January release.",
        },
    )
    committed(client.post, complete)
    assert review(participant, "BSC").state == Review.State.COMPLETE


def test_the_final_qad_agreed_by_everyone_is_ready_to_sign_and_then_approved(
    client, final_in_review, people
):
    participant = final_in_review
    complete_all(client, participant, people)
    participant.qualification.refresh_from_db()
    assert participant.qualification.state == QualificationState.AWAITING_SIGNATURE
    assert any("ready to sign" in m.subject for m in mail.outbox)

    from qad.services.signing import submission_sign

    committed(
        submission_sign,
        submission=participant.submission,
        user=participant.signatory,
        password="a-long-test-password-42",
        declaration_confirmed=True,
    )
    participant.qualification.refresh_from_db()
    assert participant.qualification.state == QualificationState.AWAITING_APPROVAL

    approvals = {
        a.code_body.code: a
        for a in RoleApproval.objects.filter(
            qualification_role__qualification=participant.qualification
        )
    }

    def decide(user, code, **data):
        client.force_login(user)
        return committed(
            client.post,
            reverse("approval-decide", args=[approvals[code].public_id]),
            {**data, "confirmed": "yes"},
            follow=True,
        )

    refused = decide(participant.contributor, "DIP", outcome="approved")
    approvals["DIP"].refresh_from_db()
    assert approvals["DIP"].outcome == ApprovalOutcome.PENDING
    assert "Only a lead assessor of DIP records its decision." in text(refused)
    decide(people.rec_lead, "BSC", outcome="approved")
    approvals["BSC"].refresh_from_db()
    assert approvals["BSC"].outcome == ApprovalOutcome.PENDING, "REC cannot decide for the BSC"

    decide(people.dip_lead, "DIP", outcome="approved")
    decide(
        people.rec_lead,
        "REC",
        outcome="approved_with_conditions",
        conditions="Close DEF-101 by 31 January.",
    )
    assert "Schedule the board meeting before recording its decision." in text(
        decide(people.bsc_lead, "BSC", outcome="approved")
    )
    meeting = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    decide(people.bsc_lead, "BSC", meeting_date=meeting)
    assert "meets on" in text(decide(people.bsc_lead, "BSC", outcome="approved"))
    approvals["BSC"].refresh_from_db()
    assert approvals["BSC"].outcome == ApprovalOutcome.SCHEDULED, "not before the meeting"
    # The meeting day comes.
    meeting = dt.date.today().isoformat()
    RoleApproval.objects.filter(pk=approvals["BSC"].pk).update(meeting_date=meeting)
    approvals["BSC"].refresh_from_db()
    assert (approvals["BSC"].outcome, approvals["BSC"].meeting_date.isoformat()) == (
        ApprovalOutcome.SCHEDULED,
        meeting,
    )
    decide(people.bsc_lead, "BSC", outcome="approved")

    participant.qualification.refresh_from_db()
    role = participant.qualification.roles.get()
    assert role.qualified_on == timezone.localdate()
    assert participant.qualification.state == QualificationState.SERVICE_ACTIVATION
    steps = list(role.activation_steps.select_related("confirmer"))
    assert [step.confirmer_name for step in steps] == [
        "a DIP lead assessor",
        "the Programme",
        "the Programme",
        "the Programme",
        "a DIP lead assessor",
    ]
    approved_mails = [m for m in mail.outbox if "Approved" in m.subject]
    assert len(approved_mails) == 3, "one e-mail per decision"

    programme = UserFactory(is_staff=True, full_name="Priya Shah")
    for step in steps:
        client.force_login(people.dip_lead if step.confirmer_id else programme)
        client.post(reverse("activation-step", args=[step.public_id]), {"note": "Seen."})
    participant.qualification.refresh_from_db()
    role.refresh_from_db()
    assert role.activated_on == timezone.localdate()
    assert participant.qualification.state == QualificationState.ACTIVE


def test_reloading_pages_sends_no_more_e_mail(client, submitted, people):
    client.force_login(people.bsc)
    record(client, submitted, "BSC-4", "clarification", comment="Which count is right?")
    committed(
        client.post, reverse("clarifications-send", args=[review(submitted, "BSC").public_id])
    )
    sent = len(mail.outbox)
    for _ in range(3):
        committed(client.get, review(submitted, "BSC").get_absolute_url())
        client.force_login(submitted.admin)
        committed(client.get, reverse("submission-detail", args=[submitted.submission.public_id]))
        client.force_login(people.bsc)
    assert len(mail.outbox) == sent == 1


def test_a_participant_cannot_reach_the_assessor_pages(client, submitted):
    client.force_login(submitted.admin)
    assert client.get(reverse("review-queue", args=["BSC"])).status_code == 404
    assert client.get(review(submitted, "BSC").get_absolute_url()).status_code == 404
    assert record(client, submitted, "BSC-3", "met").status_code == 404
    assert not CriterionOutcome.objects.exists()


def test_participant_pages_list_the_reviews_to_the_code_bodies(client, submitted, people):
    client.force_login(people.bsc)
    page = text(client.get(submitted.qualification.get_absolute_url()))
    assert "BSC · Initial QAD" in page
    assert "REC · Initial QAD" not in page


def test_demo_world_builds_reviews(shipped_versions):
    """The demo's submitted QADs are in the Code Bodies' queues."""
    from demo.world import build_demo

    with TestCase.captureOnCommitCallbacks(execute=True):
        build_demo(password="demo-password-1")
    assert (
        Review.objects.filter(
            submission__qualification__organisation__legal_name=("Northwind Energy Supply Ltd")
        ).count()
        == 3
    )


# Parallel review: one Code Body's clarifications do not stop the others, assessors see only
# what the participant submitted.

DRAFT_EDIT = "From next month Acme Settlements runs MHHS for us."


def send(client, participant, code):
    return committed(
        client.post,
        reverse("clarifications-send", args=[review(participant, code).public_id]),
        follow=True,
    )


def edit(participant, ref, value):
    answer = participant.answer(ref)
    answer_save(answer=answer, value=value, expected_version=answer.version, by=participant.admin)


def answer_all(participant):
    for clarification in Clarification.objects.filter(state=Clarification.State.OPEN):
        clarification_answer(
            clarification=clarification, text="Answered in revision 2.", by=participant.admin
        )


def resubmit(participant, number):
    committed(
        submission_submit,
        submission=participant.submission,
        by=participant.admin,
        revision_number=number,
    )


def test_assessors_see_the_submitted_revision_not_the_participant_s_draft_edits(
    client, submitted, people
):
    client.force_login(people.bsc)
    record(
        client,
        submitted,
        "BSC-3",
        "clarification",
        comment="Who runs MHHS day to day?",
        question=submitted.answer("3.1").question_id,
    )
    send(client, submitted, "BSC")
    edit(submitted, "3.1", DRAFT_EDIT)  # revision 2, not submitted yet

    bsc = review(submitted, "BSC")
    for code, user in (("BSC", people.bsc), ("REC", people.rec)):
        client.force_login(user)
        page = text(client.get(review(submitted, code).get_absolute_url()))
        assert "We operate MHHS in house." in page and DRAFT_EDIT not in page, code
        assert "revision 1" in page
    client.force_login(people.bsc)
    changes = text(client.get(reverse("review-changes", args=[bsc.public_id])))
    assert DRAFT_EDIT not in changes
    assert "This is the first revision" in changes and "Acme" not in changes

    answer_all(submitted)
    resubmit(submitted, 2)

    page = text(client.get(bsc.get_absolute_url()))
    shown = f'<div class="answer-text">{DRAFT_EDIT}</div>'
    assert shown in page, "the answer now submitted"
    # The earlier text is read only in the clarification's thread, as what revision 1 said.
    assert page.count("We operate MHHS in house.") == 1
    assert "Revised in answer: revision 1 said" in page
    changes = text(client.get(reverse("review-changes", args=[bsc.public_id])))
    assert "Revision 2 compared with revision 1" in changes
    assert "Acme Settlements" in changes


def test_another_code_body_goes_on_reviewing_while_the_participant_answers(
    client, submitted, people
):
    client.force_login(people.bsc)
    record(
        client,
        submitted,
        "BSC-4",
        "clarification",
        comment="Your exit report gives another count; which is right?",
        question=submitted.answer("4.3").question_id,
    )
    send(client, submitted, "BSC")
    submitted.submission.refresh_from_db()
    assert submitted.submission.state == SubmissionState.CLARIFICATION_REQUESTED
    assert review(submitted, "BSC").state == Review.State.AWAITING_PARTICIPANT

    # The REC records an outcome and asks its own question on the submitted revision.
    client.force_login(people.rec)
    assert "Save the outcome for REC-3" in text(
        client.get(review(submitted, "REC").get_absolute_url())
    )
    response = record(
        client,
        submitted,
        "REC-3",
        "clarification",
        comment="Who answers the service desk?",
        question=submitted.answer("3.1").question_id,
    )
    assert "not open for review" not in text(client.get(response.url))
    outcome = CriterionOutcome.objects.get(review=review(submitted, "REC"))
    assert (outcome.outcome, outcome.revision.number) == ("clarification", 1)
    assert review(submitted, "REC").state == Review.State.IN_REVIEW
    page = text(send(client, submitted, "REC"))
    assert "1 clarification(s) sent to the participant." in page
    assert review(submitted, "REC").state == Review.State.AWAITING_PARTICIPANT
    assert len(mail.outbox) == 2, "the participant is told of each Code Body's questions"

    # The DIP, with nothing to ask, completes meanwhile.
    client.force_login(people.dip_lead)
    committed(client.post, reverse("review-complete", args=[review(submitted, "DIP").public_id]))
    assert review(submitted, "DIP").state == Review.State.COMPLETE

    # Both questions reopen in the one revision the participant is preparing.
    assert submitted.submission.revisions.count() == 2
    reopened = submitted.revision.answers.filter(reopened=True)
    assert set(reopened.values_list("question__ref", flat=True)) == {"3.1", "4.3"}
    assert not submitted.revision.is_frozen

    client.force_login(submitted.admin)
    answer_all(submitted)
    edit(submitted, "3.1", "Our own service desk, staffed 8 till 6.")
    edit(submitted, "4.3", 398)
    resubmit(submitted, 2)

    submitted.submission.refresh_from_db()
    assert submitted.submission.state == SubmissionState.SUBMITTED
    answered = Clarification.objects.values_list("code_body__code", "state", "answered_in__number")
    assert sorted(answered) == [("BSC", "answered", 2), ("REC", "answered", 2)]
    assert review(submitted, "BSC").state == Review.State.WAITING
    assert review(submitted, "REC").state == Review.State.WAITING
    assert review(submitted, "DIP").state == Review.State.COMPLETE, "DIP assesses neither"

    client.force_login(people.rec)
    record(client, submitted, "REC-3", "met")
    outcome.refresh_from_db()
    assert (outcome.outcome, outcome.revision.number) == ("met", 2)


def test_the_code_body_awaiting_the_participant_records_nothing_meanwhile(
    client, submitted, people
):
    client.force_login(people.bsc)
    record(client, submitted, "BSC-4", "clarification", comment="Which count is right?")
    send(client, submitted, "BSC")

    page = text(client.get(review(submitted, "BSC").get_absolute_url()))
    assert "Waiting for the participant to answer these clarifications" in page
    assert "Save the outcome" not in page
    response = record(client, submitted, "BSC-3", "met")
    assert "waiting for the participant to answer its clarifications" in text(
        client.get(response.url)
    )
    assert not CriterionOutcome.objects.filter(criterion__ref="BSC-3").exists()


def test_assigning_to_the_person_already_assigned_changes_nothing(client, submitted, people):
    bsc_review = review(submitted, "BSC")
    client.force_login(people.bsc_lead)
    assign = reverse("review-assign", args=[bsc_review.public_id])
    committed(client.post, assign, {"assignee": people.bsc.pk})
    page = text(committed(client.post, assign, {"assignee": people.bsc.pk}, follow=True))

    assert "already assigned to James Whitfield" in page
    assert ReviewAssignment.objects.filter(review=bsc_review).count() == 1
    assert [m.to for m in mail.outbox] == [[people.bsc.email]], "told once"


def test_a_completed_assessment_opened_again_by_a_new_revision_is_recorded(submitted):

    bsc = review(submitted, "BSC")
    Review.objects.filter(pk=bsc.pk).update(state=Review.State.COMPLETE)
    revision = submitted.submission.revisions.get()
    revision.answers.filter(question__ref="3.2").update(reopened=True)  # assessed by the BSC
    from assessment.services.reviews import reviews_open

    reviews_open(submission=submitted.submission, revision=revision)

    assert review(submitted, "BSC").state == Review.State.WAITING
    reopened = AuditEvent.objects.get(kind="review.reopened")
    assert reopened.actor == submitted.admin and "BSC assessment opened again" in reopened.summary


def test_an_outcome_is_saved_in_place_without_reloading_the_review(client, submitted, people):
    client.force_login(people.bsc)
    bsc = review(submitted, "BSC")
    url = reverse("outcome-record", args=[bsc.public_id, criterion(submitted, "BSC-3").pk])

    saved = client.post(url, {"outcome": "met", "comment": ""}, headers={"HX-Request": "true"})

    assert saved.status_code == 200
    assert "BSC-3 recorded as “Met” at" in text(saved)
    assert '<span id="review-progress" hx-swap-oob="true">1 of 2 criteria have an outcome' in text(
        saved
    )
    refused = client.post(
        url, {"outcome": "not_met", "comment": ""}, headers={"HX-Request": "true"}
    )
    assert "Not saved: Say why, so the participant knows what to do." in text(refused)
    assert CriterionOutcome.objects.get(review=bsc).outcome == "met"
