"""The Code Bodies' PDFs in a real browser: the BSC's board meetings page and its pack, the
assessment report from the review screen, and a participant's approval letter. Every page is
scanned with axe-core."""

import hashlib

import pytest
from playwright.sync_api import expect

from assessment.enums import ReportKind
from assessment.models import Report
from tests.assessment.decision_data import (
    Staff,
    agreed_and_signed,
    approve_everywhere,
    load_checked_journey,
    next_meeting,
    schedule_for_board,
)
from tests.assessment.report_data import agree_final, sign
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.participants import Participant
from tests.qualification.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def accessible(page, state: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{state}: {violations}"


@pytest.fixture
def before_the_board(reference_data):
    """Northwind (reviewed by all three Code Bodies, signed) and Brightwatt (signed) on the
    agenda of the BSC's next board meeting."""
    load_checked_journey()
    staff = Staff()
    meeting = next_meeting()
    northwind = Participant()
    agreed_and_signed(northwind, staff)
    schedule_for_board(
        northwind, staff, meeting, conditions="Monthly progress reports on DEF-1 to the board."
    )
    brightwatt = Participant("Brightwatt Data Services Ltd", role_codes=("ADS", "SDS"))
    agree_final(brightwatt)
    sign(brightwatt)
    schedule_for_board(brightwatt, staff, meeting, role="ADS")
    schedule_for_board(brightwatt, staff, meeting, role="SDS")
    return staff, meeting, northwind


def download(page) -> bytes:
    with page.expect_download() as event:
        page.get_by_role("link", name="Download the PDF").click()
    return event.value.path().read_bytes()


def test_a_lead_assessor_prints_the_board_pack_from_the_meetings_page(page, before_the_board):
    staff, meeting, _northwind = before_the_board
    sign_in(page, staff.bsc_lead.email, PASSWORD)
    page.goto("/code-bodies/BSC/queue/")

    page.get_by_role(
        "link", name="BSC Performance Assurance Board: meetings and board packs"
    ).click()

    expect(
        page.get_by_role("heading", name="BSC Performance Assurance Board: meetings")
    ).to_be_visible()
    agenda = page.get_by_role("table", name=f"Agenda of the meeting of {meeting:%-d %B %Y}")
    expect(agenda).to_contain_text("Brightwatt Data Services Ltd")
    expect(agenda).to_contain_text("Northwind Energy Supply Ltd")
    accessible(page, "board meetings")
    screenshot(page, "board-meetings")

    page.get_by_role(
        "button", name=f"Board pack (PDF) for the meeting of {meeting:%-d %B %Y}"
    ).click()

    expect(
        page.get_by_role("heading", name=f"The board pack for {meeting:%-d %B %Y}, as a PDF")
    ).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("The PDF is ready.")
    accessible(page, "board pack ready")
    content = download(page)
    report = Report.objects.get(kind=ReportKind.BOARD_SUMMARY)
    assert hashlib.sha256(content).hexdigest() == report.sha256


def test_an_assessor_prints_the_assessment_and_a_participant_its_approval_letter(
    page, before_the_board
):
    staff, meeting, northwind = before_the_board
    sign_in(page, staff.bsc.email, PASSWORD)
    page.goto("/code-bodies/BSC/queue/?state=complete")
    page.get_by_role("link", name="Northwind Energy Supply Ltd").first.click()

    screenshot(page, "review-screen-reports")
    page.get_by_role("button", name="Assessment report (PDF)").click()

    expect(
        page.get_by_role("heading", name="The BSC assessment of the Final QAD, as a PDF")
    ).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("The PDF is ready.")
    accessible(page, "assessment report ready")
    assert download(page).startswith(b"%PDF")

    approve_everywhere(northwind, staff, meeting)
    sign_in(page, northwind.contributor.email, PASSWORD)
    page.goto(northwind.qualification.get_absolute_url())
    expect(page.get_by_role("heading", name="Approval letters")).to_be_visible()
    accessible(page, "qualification page with its letter")
    screenshot(page, "qualification-approval-letters")
    page.get_by_role("button", name="Approval letter (PDF) Supplier").click()

    expect(
        page.get_by_role(
            "heading",
            name=f"The approval letter for Supplier "
            f"({northwind.qualification.roles.get().mpid.code}), as a PDF",
        )
    ).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("The PDF is ready.")
    accessible(page, "approval letter ready")
    screenshot(page, "approval-letter-ready")
    assert download(page).startswith(b"%PDF")
