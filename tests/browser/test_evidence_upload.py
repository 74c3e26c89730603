"""Uploading evidence in a real browser: several files at once, each with its progress, then
the files' states on the section and in the register. Scanned with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from evidence.models import EvidenceItem
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.evidence.scanning.files import make_pdf, valid_mpan
from tests.participants import Participant
from tests.qualification.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_participant_uploads_several_files_and_sees_them_checked(
    page, shipped_versions, tmp_path
):
    participant = Participant("Harbour Energy Ltd")
    report = make_pdf(
        tmp_path / "PIT completion report.pdf",
        ["<h1>PIT completion report</h1><p>All PIT exit criteria met.</p>"],
    )
    log = tmp_path / "PIT execution log.csv"
    log.write_text(f"test case,result,MPAN\nTC-001,passed,{valid_mpan('131500116512')}\n")
    sign_in(page, participant.contributor.email, PASSWORD)
    page.goto(f"/submissions/{participant.submission.public_id}/sections/4.1/")
    question = page.locator("#q-4-1-5")
    expect(question.get_by_text("No evidence attached yet.")).to_be_visible()
    assert axe_violations(page) == []

    question.get_by_text("Add evidence").click()  # the panel is fetched as it opens
    expect(question.get_by_label("Files")).to_be_visible()
    assert axe_violations(page) == []
    question.get_by_label("Files").set_input_files([str(report), str(log)])
    # Each file its own type: the report and the log are not the same kind of evidence.
    each = question.locator(".upload-each fieldset")
    each.nth(0).get_by_label("Evidence type").select_option(label="Test completion report")
    each.nth(1).get_by_label("Evidence type").select_option(label="Test execution log")
    with page.expect_navigation(timeout=20_000):
        question.get_by_role("button", name="Upload evidence").click()

    question = page.locator("#q-4-1-5")
    expect(question.get_by_role("link", name="PIT completion report")).to_be_visible()
    expect(question.get_by_role("link", name="PIT execution log")).to_be_visible()
    # "Clean" once every check has passed ("Checked, but not scanned for malware" where no
    # scanner is configured).
    expect(question.get_by_text(re.compile("Clean|Checked, but not scanned")).first).to_be_visible()
    expect(question.get_by_text("personal data", exact=False).first).to_be_visible()
    bar_at_rest(page)
    assert axe_violations(page) == []
    screenshot(page, "section-evidence")
    assert dict(EvidenceItem.objects.values_list("original_name", "evidence_type")) == {
        report.name: "test_completion_report",
        log.name: "test_execution_log",
    }

    page.goto(f"/submissions/{participant.submission.public_id}/evidence/")
    expect(page.get_by_role("heading", name="Evidence register")).to_be_visible()
    assert page.locator("table.register-table tbody tr").count() == 2
    assert axe_violations(page) == []
    screenshot(page, "evidence-register")


def test_evidence_pack_pages_are_accessible(page, shipped_versions, tmp_path):
    participant = Participant("GridSoft Ltd")
    sign_in(page, participant.admin.email, PASSWORD)
    page.get_by_role("link", name="Evidence packs").click()
    assert axe_violations(page) == []
    page.get_by_label("Name").fill("GridSoft 4.2 QT evidence")
    page.get_by_role("button", name="Create the pack").click()
    expect(page.get_by_role("heading", name="GridSoft 4.2 QT evidence")).to_be_visible()
    log = tmp_path / "QT log.csv"
    log.write_text("test case,result\nTC-001,passed\n")
    page.get_by_label("Files").set_input_files(str(log))
    page.get_by_label("Evidence type").select_option(label="Test execution log")
    with page.expect_navigation(timeout=20_000):
        page.get_by_role("button", name="Add to the pack").click()
    expect(page.get_by_role("link", name="QT log")).to_be_visible()
    assert axe_violations(page) == []


def bar_at_rest(page) -> None:
    """Scroll to the end of the page, where the sticky save bar rests below the questions.
    Where the page lands after an upload depends on the questions' heights, and a control
    that happens to be scrolled under the bar (as any is, passing under it) reads to axe as
    a target too small to touch."""
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")


def test_a_new_version_of_a_file_says_so_and_the_list_shows_it(page, shipped_versions, tmp_path):
    from evidence.models import EvidenceItem
    from tests.evidence.factories import attach

    participant = Participant("Harbour Energy Ltd")
    old = attach(
        participant,
        "4.1.5",
        b"test case,result\nTC-001,failed\n",
        name="PIT log.csv",
        title="PIT execution log",
        evidence_type="test_execution_log",
    )
    newer = tmp_path / "PIT log v2.csv"
    newer.write_text("test case,result\nTC-001,passed\n")
    sign_in(page, participant.contributor.email, PASSWORD)
    page.goto(f"/submissions/{participant.submission.public_id}/sections/4.1/")
    question = page.locator("#q-4-1-5")
    expect(question.get_by_text("1 file attached")).to_be_visible()
    question.get_by_text("Show the files, add or replace").click()

    question.get_by_label("New version").set_input_files(str(newer))
    with page.expect_navigation(timeout=20_000):
        question.get_by_role("button", name="Replace PIT execution log").click()
        expect(question.get_by_text("New version uploaded", exact=False)).to_be_visible()

    new = EvidenceItem.objects.get(replaces=old)
    question = page.locator("#q-4-1-5")
    link = question.get_by_role("link", name="PIT execution log")
    expect(link).to_have_attribute("href", f"/evidence/{new.public_id}/download/")
    # The new file's state badge settles (htmx) before the page is scanned as it stays.
    page.wait_for_load_state("networkidle")
    bar_at_rest(page)
    assert axe_violations(page) == []
