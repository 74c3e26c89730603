"""The assessment report: one Code Body's review of a submission as a PDF, rendered again
only when something it shows has changed."""

import re

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from assessment.enums import ReportKind, ReportStatus
from assessment.models import Clarification, ClarificationMessage, Report, WorkOffItem
from assessment.reports.documents import assessment_context, assessment_fingerprint
from assessment.services.checks import checks_run_all
from assessment.services.reviews import outcome_record
from assessment.services.workoff import work_off_exception, work_off_save
from evidence.enums import ScanState
from evidence.models import StoredFile
from qualification.enums import ApprovalOutcome
from qualification.models import AuditEvent
from tests.assessment.decision_data import (
    CLARIFICATION,
    CLARIFICATION_ANSWER,
    MET_COMMENT,
    NOT_MET_COMMENT,
    WORK_OFF_DESCRIPTION,
    Staff,
    agreed_and_signed,
    approve_everywhere,
    criterion,
    decide,
    first_pass,
    load_checked_journey,
    next_meeting,
    resubmit,
    review_of,
    schedule_for_board,
    submit_for_review,
)
from tests.assessment.report_data import pdf_text, stored_pdf
from tests.participants import Participant
from tests.qualification.factories import code_body

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return Staff()


@pytest.fixture
def reviewed(staff):
    """Northwind's Initial QAD after the BSC's first look: J-3-01 met, J-4-02 not met, J-4-01
    waiting on a clarification the participant has answered, J-4-03 not yet assessed; the
    automated checks have run; one work-off item is open."""
    load_checked_journey()
    northwind = Participant()
    submit_for_review(northwind)
    first_pass(northwind, staff)
    return northwind


@pytest.fixture
def in_review(reviewed):
    """Northwind has answered the clarification in revision 2 and submitted it: the BSC's
    review is open again, with its outcomes on revision 1 kept."""
    resubmit(reviewed)
    return reviewed


def request_report(client, review, *, render: bool = True):
    """POST as the review screen's button does; the render runs when the request commits."""
    with TestCase.captureOnCommitCallbacks(execute=render):
        return client.post(reverse("report-request-assessment", args=[review.public_id]))


def page(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def day(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y")


def test_the_report_holds_every_criterion_with_its_outcome_checks_and_clarifications(
    client, reviewed, staff
):
    review = review_of(reviewed, "BSC")
    client.force_login(staff.bsc)

    response = request_report(client, review)

    report = Report.objects.get(kind=ReportKind.ASSESSMENT)
    assert response["Location"] == report.get_absolute_url()
    assert (report.status, report.review) == (ReportStatus.READY, review)
    text = pdf_text(stored_pdf(report))
    mpid = reviewed.qualification.roles.get().mpid.code
    revision = reviewed.submission.revisions.get(number=1)
    for fact in (
        "Northwind Energy Supply Ltd",
        f"Company number {reviewed.organisation.company_number}",
        f"Supplier (SUP), MPID {mpid}",
        "BSC assessment of the Initial QAD",
        "Criteria Journey BSC criteria v99.0",
        "Submission Initial QAD, revision 1, submitted",
        f"Content hash (SHA-256) {revision.content_hash}",
        "Assessor James Whitfield",
        # criterion by criterion: outcome, who recorded it, the comment
        "J-3-01 Operating model described Outcome: Met Recorded by James Whitfield",
        f"Assessor's comment {MET_COMMENT}",
        "J-4-02 Open defects planned Outcome: Not met",
        f"Assessor's comment {NOT_MET_COMMENT}",
        "J-4-01 Testing dates in order Outcome: Clarification needed",
        "J-4-03 Test results Outcome: No outcome yet",
        # the automated checks' results
        "Pass · Test results match the logs: “PIT execution log”: all 12 test cases passed",
        "Pass · Files passed their checks: The file is clean: “PIT execution log”.",
        "Pass · Dates in order: Dates are in order: 4.2 (30 May 2025) is not before 4.1",
        # the clarification and the participant's answer
        "On question 4.2 · Answered · raised by James Whitfield",
        f"James Whitfield (Code Body), {timezone.localdate():%-d %b %Y}: {CLARIFICATION}",
        f"Olivia Hart (participant), {timezone.localdate():%-d %b %Y}: {CLARIFICATION_ANSWER}",
        # the work-off plan
        "DEF-1 · Open · required before the Final QAD is accepted",
        WORK_OFF_DESCRIPTION,
        "Owner Test Lead · due 31 December 2031",
        # the summary page
        "Decision Assessment not complete: Awaiting the participant.",
        "Supplier (" + mpid + ") Pending Not decided yet",
        "Outcomes by criterion Met Not met Clarification needed Not applicable No outcome yet "
        "1 1 1 0 1 4 criteria apply to this submission.",
        "Automated checks Pass Warning Fail Not applicable Could not run 6 0 0 0 0",
        "Clarifications Drafted by the assessor Waiting for the participant Answered Closed "
        "0 0 1 0",
        "1 item: 1 still open, 1 of them required and without an agreed exception.",
    ):
        assert fact in text
    assert "REC-3" not in text, "only the BSC's own criteria"
    reader = PdfReader(report.file.path)
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader.metadata.title == (
        "BSC assessment of the Initial QAD: Northwind Energy Supply Ltd"
    )
    assert report.page_count == len(reader.pages) == 4


def test_the_summary_gives_the_decision_with_who_took_it_and_when(client, reviewed, staff):
    work_off_exception(
        item=WorkOffItem.objects.get(),
        code_body=code_body("BSC"),
        reason="Agreed with the Programme: fix in the January release.",
        by=staff.bsc_lead,
    )
    agreed_and_signed(reviewed, staff)
    approve_everywhere(reviewed, staff, next_meeting())
    review = review_of(reviewed, "BSC")  # the Final QAD's
    client.force_login(staff.bsc_reader)

    request_report(client, review)

    text = pdf_text(stored_pdf(Report.objects.get(kind=ReportKind.ASSESSMENT)))
    mpid = reviewed.qualification.roles.get().mpid.code
    approval = reviewed.qualification.roles.get().approvals.get(code_body__code="BSC")
    assert (
        f"Decision Assessment complete: marked complete by Helen Carter on "
        f"{day(review.completed_at)}, {timezone.localtime(review.completed_at):%H:%M}"
    ) in text
    assert (
        f"Supplier ({mpid}) Approved, meeting of {day_of(approval.meeting_date)} "
        f"Helen Carter, {day(approval.decided_at)}"
    ) in text
    assert "BSC assessment of the Final QAD" in text
    assert "Met Not met Clarification needed Not applicable No outcome yet 4 0 0 0 0" in text
    assert "BSC agreed an exception (Helen Carter" in text


def day_of(date) -> str:
    return date_format(date, "j F Y")


def test_asking_again_with_nothing_changed_serves_the_same_pdf(client, reviewed, staff):
    review = review_of(reviewed, "BSC")
    client.force_login(staff.bsc)
    request_report(client, review)
    first = Report.objects.get()

    again = request_report(client, review)
    client.force_login(staff.bsc_lead)
    by_another = request_report(client, review)

    assert again["Location"] == by_another["Location"] == first.get_absolute_url()
    assert Report.objects.count() == 1
    first.refresh_from_db()
    assert first.attempts == 1, "rendered once"


def test_a_new_outcome_renders_a_new_report_and_keeps_the_old_one(client, in_review, staff):
    review = review_of(in_review, "BSC")
    client.force_login(staff.bsc)
    request_report(client, review)
    before = Report.objects.get()

    outcome_record(
        review=review,
        criterion=criterion("J-4-03"),
        outcome="met",
        comment="All 12 test cases passed.",
        by=staff.bsc,
    )
    request_report(client, review)

    after = Report.objects.exclude(pk=before.pk).get()
    assert after.fingerprint != before.fingerprint
    assert after.status == ReportStatus.READY
    assert "J-4-03 Test results Outcome: Met" in pdf_text(stored_pdf(after))
    assert "J-4-03 Test results Outcome: No outcome yet" in pdf_text(stored_pdf(before))


def test_a_new_decision_renders_a_new_report(client, reviewed, staff):
    WorkOffItem.objects.update(required=False)
    agreed_and_signed(reviewed, staff)
    meeting = next_meeting()
    schedule_for_board(reviewed, staff, meeting)
    review = review_of(reviewed, "BSC")
    client.force_login(staff.bsc)
    request_report(client, review)
    scheduled = Report.objects.get()

    decide(reviewed, staff.bsc_lead, "BSC", ApprovalOutcome.APPROVED)
    request_report(client, review)

    decided = Report.objects.exclude(pk=scheduled.pk).get()
    assert "Scheduled for a board meeting, meeting of" in pdf_text(stored_pdf(scheduled))
    assert "Supplier (" in pdf_text(stored_pdf(decided))
    assert "Approved, meeting of" in pdf_text(stored_pdf(decided))


def _change_comment(participant, staff):
    outcome_record(
        review=review_of(participant, "BSC"),
        criterion=criterion("J-4-02"),
        outcome="not_met",
        comment="DEF-1 still has no owner.",
        by=staff.bsc,
    )


def _answer_again(participant, staff):
    ClarificationMessage.objects.create(
        clarification=Clarification.objects.get(),
        author=participant.admin,
        text="The owner is our Test Lead.",
    )


def _close_work_off(participant, staff):
    item = WorkOffItem.objects.get()
    work_off_save(
        qualification=participant.qualification,
        by=staff.bsc,
        item=item,
        defect_reference=item.defect_reference,
        description=item.description,
        owner="Settlement Manager",
        due_date=item.due_date,
        status=item.status,
        required=item.required,
    )


def _check_again(participant, staff):
    # A later scan of the attached log finds personal data: the checks run again on the
    # revision and the file check no longer passes.
    StoredFile.objects.update(scan_state=ScanState.NEEDS_ATTENTION, findings_total=1)
    checks_run_all(revision=participant.submission.revisions.get(number=1), trigger="test")


def _rec_outcome(participant, staff):
    outcome_record(
        review=review_of(participant, "REC"),
        criterion=criterion("REC-3"),
        outcome="not_met",
        comment="The REC obligations are not covered.",
        by=staff.rec,
    )


def _participant_drafts(participant, staff):
    # Revision 2 answers the clarification; it is not submitted, so not yet assessed.
    from qad.services.answers import answer_save

    answer = participant.answer("4.2")
    answer_save(
        answer=answer, value="2025-06-02", expected_version=answer.version, by=participant.admin
    )


@pytest.mark.parametrize(
    ("state", "change", "renders"),
    [
        ("in_review", _change_comment, True),
        ("reviewed", _answer_again, True),
        ("reviewed", _close_work_off, True),
        ("reviewed", _check_again, True),
        ("in_review", _rec_outcome, False),
        ("reviewed", _participant_drafts, False),
    ],
)
def test_the_fingerprint_follows_what_the_report_shows(request, staff, state, change, renders):
    participant = request.getfixturevalue(state)
    review = review_of(participant, "BSC")
    before = assessment_fingerprint(review)

    change(participant, staff)

    assert (assessment_fingerprint(review) != before) is renders


def test_the_report_reads_a_fixed_number_of_queries(reviewed, staff, django_assert_num_queries):
    review = review_of(reviewed, "BSC")
    assessment_context(review.pk)  # published criteria are cached after the first read
    with django_assert_num_queries(12):
        context = assessment_context(review.pk)
    assert [c.ref for c in context["criteria"]] == ["J-3-01", "J-4-01", "J-4-02", "J-4-03"]
    for number in range(5):
        ClarificationMessage.objects.create(
            clarification=Clarification.objects.get(), author=reviewed.admin, text=f"More {number}"
        )
    with django_assert_num_queries(12):
        assessment_context(review.pk)


def test_the_review_screen_and_the_qualification_page_offer_the_report(client, reviewed, staff):
    review = review_of(reviewed, "BSC")
    action = reverse("report-request-assessment", args=[review.public_id])
    client.force_login(staff.bsc_reader)

    assert f'action="{action}"' in page(client.get(review.get_absolute_url()))
    assert f'action="{action}"' in page(client.get(reviewed.qualification.get_absolute_url()))

    client.force_login(reviewed.admin)
    assert action not in page(client.get(reviewed.qualification.get_absolute_url()))


def test_the_participant_does_not_learn_of_the_report_from_its_activity(client, reviewed, staff):
    client.force_login(staff.bsc)
    request_report(client, review_of(reviewed, "BSC"))
    event = AuditEvent.objects.get(kind="report.requested")
    assert (event.organisation, event.qualification, event.actor) == (
        reviewed.organisation,
        None,
        staff.bsc,
    )
    assert event.summary == "PDF of the BSC assessment of the Initial QAD requested"

    client.force_login(reviewed.contributor)
    detail = page(client.get(reviewed.qualification.get_absolute_url()))

    assert event.summary not in detail


def test_a_failed_report_offers_to_try_again_from_its_status_page(client, reviewed, staff):
    review = review_of(reviewed, "BSC")
    client.force_login(staff.bsc)
    request_report(client, review, render=False)
    report = Report.objects.get()
    Report.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED, error="boom")

    status = page(client.get(report.get_absolute_url()))

    assert "The BSC assessment of the Initial QAD, as a PDF" in status
    assert (
        f'<form method="post" action="/reviews/{review.public_id}/reports/assessment/">' in status
    )
    request_report(client, review)
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
