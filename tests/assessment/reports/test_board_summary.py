"""The board summary: the BSC Performance Assurance Board's pack for one meeting, and the
page listing the board's meetings."""

import datetime as dt
import re

import pytest
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader

from assessment.enums import ReportKind, ReportStatus
from assessment.models import Report, WorkOffItem
from assessment.reports.documents import board_summary_fingerprint
from assessment.selectors import board_meetings
from assessment.services.decisions import sms_exemption_record
from assessment.services.workoff import work_off_exception, work_off_save
from qualification.enums import ApprovalOutcome
from qualification.models import Qualification, RoleApproval
from tests.assessment.decision_data import (
    REC_CONDITIONS,
    Staff,
    agreed_and_signed,
    approval,
    decide,
    load_checked_journey,
    next_meeting,
    schedule_for_board,
)
from tests.assessment.report_data import agree_final, pdf_text, sign, stored_pdf
from tests.participants import Participant
from tests.qualification.factories import code_body

pytestmark = pytest.mark.django_db

PROPOSED = "Report progress on DEF-2 to the board every month until it is closed."


class Board:
    """Participants at every step before the board: two on the agenda of the next meeting,
    one at the meeting after, one not yet scheduled, and one the BSC does not approve."""

    def __init__(self, staff: Staff):
        self.meeting = next_meeting()  # today: the board meets, its decisions can be recorded
        self.later = next_meeting(42)
        self.northwind = Participant()
        agreed_and_signed(self.northwind, staff)
        for reference, status, required in (
            ("DEF-2", WorkOffItem.Status.IN_PROGRESS, True),
            ("DEF-3", WorkOffItem.Status.OPEN, False),
        ):
            work_off_save(
                qualification=self.northwind.qualification,
                by=self.northwind.admin,
                defect_reference=reference,
                description=f"{reference}: late readings rejected by the DIP adapter.",
                owner="Test Lead",
                due_date=dt.date(2027, 1, 31),
                status=status,
                required=required,
            )
        decide(self.northwind, staff.dip_lead, "DIP", ApprovalOutcome.APPROVED)
        decide(
            self.northwind,
            staff.rec_lead,
            "REC",
            ApprovalOutcome.APPROVED_WITH_CONDITIONS,
            conditions=REC_CONDITIONS,
        )
        schedule_for_board(self.northwind, staff, self.meeting, conditions=PROPOSED)

        self.brightwatt = self._signed("Brightwatt Data Services Ltd", ("ADS", "SDS"))
        schedule_for_board(self.brightwatt, staff, self.meeting, role="ADS")
        schedule_for_board(self.brightwatt, staff, self.later, role="SDS")

        self.greenfield = self._signed("Greenfield Power Ltd", ("SUP",))
        schedule_for_board(self.greenfield, staff, self.later)
        self.lumen = self._signed("Lumen Unmetered Ltd", ("UMSDS",))  # not scheduled yet
        self.meterline = self._signed("Meterline Metering Services Ltd", ("MSA",))  # REC only

    @staticmethod
    def _signed(name, roles):
        participant = Participant(name, role_codes=roles)
        agree_final(participant)
        sign(participant)
        return participant


@pytest.fixture
def staff(db):
    return Staff()


@pytest.fixture
def board(staff):
    load_checked_journey()
    return Board(staff)


def request_pack(client, meeting: dt.date, *, render: bool = True):
    url = reverse("report-request-board", args=["BSC", meeting.isoformat()])
    with TestCase.captureOnCommitCallbacks(execute=render):
        return client.post(url)


def page(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_pack_has_a_page_for_every_participant_on_the_agenda_and_only_them(
    client, board, staff
):
    client.force_login(staff.bsc)

    response = request_pack(client, board.meeting)

    report = Report.objects.get(kind=ReportKind.BOARD_SUMMARY)
    assert response["Location"] == report.get_absolute_url()
    assert (report.status, report.code_body, report.meeting_date) == (
        ReportStatus.READY,
        code_body("BSC"),
        board.meeting,
    )
    content = stored_pdf(report)
    text = pdf_text(content)
    assert "Brightwatt Data Services Ltd" in text and "Northwind Energy Supply Ltd" in text
    for absent in ("Greenfield Power Ltd", "Lumen Unmetered Ltd", "Meterline Metering"):
        assert absent not in text
    pages = [re.sub(r"\s+", " ", p.extract_text()) for p in PdfReader(report.file.path).pages]
    assert len(pages) == 3, "a cover, then a page per participant"
    assert pages[1].startswith("Brightwatt Data Services Ltd Participant Organisation")
    assert pages[2].startswith("Northwind Energy Supply Ltd Participant Organisation")
    assert f"Meeting of {board.meeting:%-d %B %Y}" in text
    assert "On the agenda 2 participants, 2 roles" in text
    assert PdfReader(report.file.path).metadata.title == (
        f"BSC Performance Assurance Board, meeting of {board.meeting:%-d %B %Y}: board pack"
    )


def test_each_page_gives_roles_route_code_body_positions_work_off_and_conditions(
    client, board, staff
):
    client.force_login(staff.bsc_lead)
    request_pack(client, board.meeting)

    pages = [
        re.sub(r"\s+", " ", p.extract_text())
        for p in PdfReader(Report.objects.get().file.path).pages
    ]
    brightwatt, northwind = pages[1], pages[2]
    ads, sds = (r.mpid.code for r in board.brightwatt.qualification.roles.all())
    assert f"Advanced Data Service (ADS), MPID {ads} · for decision" in brightwatt
    assert f"Smart Data Service (SDS), MPID {sds} Route" in brightwatt, "at the later meeting"
    assert "Route Systems Integration Testing (SIT)" in brightwatt
    assert "None proposed." in brightwatt

    mpid = board.northwind.qualification.roles.get().mpid.code
    for fact in (
        f"Company number {board.northwind.organisation.company_number}",
        f"Supplier (SUP), MPID {mpid} · for decision",
        "Qualification stage Signed, awaiting approval",
        # where each Code Body stands: the board first, its review and each decision
        "BSC Performance Assurance Board · Balancing and Settlement Code (Elexon) "
        "Review of the Final QAD: Assessment complete (by Helen Carter",
        f"criteria: 4 met Supplier: Scheduled for a board meeting ({board.meeting:%-d %B %Y})",
        "REC Code Manager · Retail Energy Code (REC Code Manager) Review of the Final QAD: "
        "Assessment complete (by Owen Price",
        "Supplier: Approved with conditions, decided by Owen Price on",
        f"conditions: {REC_CONDITIONS}",
        "Supplier: Approved, decided by Grace Kim on",
        # open work-off items only
        "DEF-2 · In progress · required · due 31 January 2027",
        "DEF-3 · Open · due 31 January 2027",
        # conditions proposed by the assessors, and those set by another approver
        f"Proposed by the BSC assessors (Supplier) {PROPOSED}",
        f"Set by REC Code Manager (Supplier) {REC_CONDITIONS}",
    ):
        assert fact in northwind
    assert northwind.index("BSC Performance Assurance Board ·") < northwind.index(
        "REC Code Manager ·"
    )


def test_a_closed_work_off_item_leaves_the_pack(client, board, staff):
    item = WorkOffItem.objects.get(defect_reference="DEF-3")
    WorkOffItem.objects.filter(pk=item.pk).update(status=WorkOffItem.Status.CLOSED)
    client.force_login(staff.bsc)

    request_pack(client, board.meeting)

    text = pdf_text(stored_pdf(Report.objects.get()))
    assert "DEF-2 · In progress" in text and "DEF-3" not in text


def test_asking_again_serves_the_same_pack_until_a_decision_changes_it(client, board, staff):
    client.force_login(staff.bsc)
    request_pack(client, board.meeting)
    client.force_login(staff.bsc_reader)
    request_pack(client, board.meeting)
    first = Report.objects.get()
    assert first.attempts == 1

    decide(board.northwind, staff.bsc_lead, "BSC", ApprovalOutcome.APPROVED)
    request_pack(client, board.meeting)

    second = Report.objects.exclude(pk=first.pk).get()
    assert "Supplier: Approved, decided by Helen Carter on" in pdf_text(stored_pdf(second))
    assert "Supplier: Scheduled for a board meeting" in pdf_text(stored_pdf(first))


def test_work_at_another_meeting_leaves_the_pack_as_it_is(board, staff):
    bsc = code_body("BSC")
    before = board_summary_fingerprint(bsc, board.meeting)

    work_off_exception(
        item=WorkOffItem.objects.get(defect_reference="DEF-2"),
        code_body=bsc,
        reason="Agreed with the Programme.",
        by=staff.bsc_lead,
    )
    changed = board_summary_fingerprint(bsc, board.meeting)
    decide(board.greenfield, staff.rec_lead, "REC", ApprovalOutcome.APPROVED)
    schedule_for_board(board.lumen, staff, board.later, role="UMSDS")

    assert changed != before, "an exception on a participant on the agenda shows"
    assert board_summary_fingerprint(bsc, board.meeting) == changed


def test_a_meeting_with_no_one_on_its_agenda_has_no_pack(client, board, staff):
    client.force_login(staff.bsc)
    empty = next_meeting(3)

    response = request_pack(client, empty)

    assert response["Location"] == reverse("board-meetings", args=["BSC"])
    assert not Report.objects.exists()
    assert "No participant is on the agenda of that meeting." in page(
        client.get(response["Location"])
    )
    not_a_date = reverse("report-request-board", args=["BSC", "2026-02-30"])
    assert client.post(not_a_date).status_code == 404


def test_the_meetings_page_lists_each_meeting_with_its_agenda_and_a_pack_button(
    client, board, staff
):
    RoleApproval.objects.filter(pk=approval(board.lumen, "BSC", "UMSDS").pk).update(
        outcome=ApprovalOutcome.DEFERRED, meeting_date=next_meeting(-7)
    )
    client.force_login(staff.bsc_reader)

    queue = page(client.get(reverse("review-queue", args=["BSC"])))
    meetings_url = reverse("board-meetings", args=["BSC"])
    assert f'<a href="{meetings_url}">BSC Performance Assurance Board: meetings' in queue

    listing = page(client.get(meetings_url))
    upcoming = listing[listing.index("Upcoming meetings") : listing.index("Recent meetings")]
    recent = listing[listing.index("Recent meetings") :]
    first = upcoming.index(f"{board.meeting:%A %-d %B %Y}")
    later = upcoming.index(f"{board.later:%A %-d %B %Y}")
    assert first < later
    agenda = upcoming[first:later]
    assert "2 participants, 2 roles for decision" in agenda
    assert "Brightwatt Data Services Ltd" in agenda and "Northwind Energy Supply Ltd" in agenda
    assert f"Conditions proposed: {PROPOSED}" in agenda
    assert "Greenfield Power Ltd" in upcoming[later:]
    pack = reverse("report-request-board", args=["BSC", board.meeting.isoformat()])
    assert f'action="{pack}"' in agenda
    assert "Board pack (PDF)" in agenda
    assert "Lumen Unmetered Ltd" in recent and "Deferred" in recent
    assert "Meterline" not in listing


def test_scheduling_records_the_conditions_proposed_to_the_board(client, board, staff):
    client.force_login(staff.bsc_lead)
    response = client.post(
        reverse("approval-decide", args=[approval(board.lumen, "BSC", "UMSDS").public_id]),
        {"meeting_date": board.meeting.isoformat(), "conditions": "  Monthly reports.  "},
    )

    scheduled = approval(board.lumen, "BSC", "UMSDS")
    assert response.status_code == 302
    assert (scheduled.outcome, scheduled.meeting_date, scheduled.conditions) == (
        ApprovalOutcome.SCHEDULED,
        board.meeting,
        "Monthly reports.",
    )
    detail = page(client.get(board.lumen.qualification.get_absolute_url()))
    assert "Conditions proposed: Monthly reports." in detail
    assert ">Monthly reports.</textarea>" in detail, "the decision starts from the proposal"


def test_the_meetings_and_their_agendas_are_read_in_one_query(board, django_assert_num_queries):
    bsc = code_body("BSC")

    with django_assert_num_queries(1):
        meetings = board_meetings(bsc, since=board.meeting)
        agendas = [
            (
                meeting.date,
                [
                    (
                        p.qualification.organisation.legal_name,
                        [a.qualification_role.market_role.code for a in p.approvals],
                    )
                    for p in meeting.participants
                ],
            )
            for meeting in meetings
        ]

    assert agendas == [
        (
            board.meeting,
            [("Brightwatt Data Services Ltd", ["ADS"]), ("Northwind Energy Supply Ltd", ["SUP"])],
        ),
        (
            board.later,
            [("Brightwatt Data Services Ltd", ["SDS"]), ("Greenfield Power Ltd", ["SUP"])],
        ),
    ]


def test_the_pack_says_where_an_sms_exemption_stands(client, board, staff):
    Qualification.objects.filter(pk=board.northwind.qualification.pk).update(
        sms_exemption_requested=True
    )
    board.northwind.qualification.refresh_from_db()
    sms_exemption_record(
        qualification=board.northwind.qualification,
        code_body=code_body("REC"),
        decided_on=dt.date(2026, 11, 2),
        reference="REC-D-0042",
        by=staff.rec_lead,
    )
    client.force_login(staff.bsc)

    request_pack(client, board.meeting)

    text = re.sub(
        r"\s+", " ", pdf_text(stored_pdf(Report.objects.get(kind=ReportKind.BOARD_SUMMARY)))
    )
    assert "Exemption requested (P476)" in text
    assert "REC Code Manager: decided on 2 Nov 2026 (REC-D-0042)" in text
    assert "BSC Performance Assurance Board: no decision yet" in text
