"""evidence_within_window: evidence dated within the criterion's window before submission,
from a date answer or from the date the file records about itself."""

import datetime as dt

import pytest

from assessment.enums import CheckStatus
from tests.assessment.files import csv_bytes, pdf_created, xlsx_modified
from tests.assessment.support import ids, run_check, set_answers, submit
from tests.evidence.factories import attach

pytestmark = pytest.mark.django_db

DEFECTS = ["4.8.1", "4.8.2"]
ROWS = [("Defect", "Severity", "Status"), ("DEF-101", "2", "Open")]


def defect_log(participant, title, content, name):
    return attach(participant, "4.8.1", content, name=name, title=title, evidence_type="defect_log")


def test_a_pdf_created_within_the_window_passes(supplier):
    pdf = defect_log(
        supplier, "Defect log May", pdf_created(dt.datetime(2025, 5, 20, 16, 0)), "defects.pdf"
    )
    submit(supplier)

    outcome = run_check("evidence_within_window", supplier, DEFECTS, {"max_age_days": 30})

    assert outcome.status == CheckStatus.PASS
    assert outcome.message == (
        "The file is dated within 30 days before submission on 2 Jun 2025: “Defect log May” "
        "(created 20 May 2025)."
    )
    assert outcome.evidence == ids(pdf)
    assert outcome.questions == ("4.8.1", "4.8.2")


def test_a_workbook_last_modified_before_the_window_fails(supplier, tmp_path):
    old = defect_log(
        supplier,
        "Defect log March",
        xlsx_modified(tmp_path / "d.xlsx", ROWS, dt.datetime(2025, 3, 1, 12, 0)),
        "defects.xlsx",
    )
    defect_log(
        supplier, "Defect log May", pdf_created(dt.datetime(2025, 5, 20, 16, 0)), "defects.pdf"
    )
    submit(supplier)

    outcome = run_check("evidence_within_window", supplier, DEFECTS, {"max_age_days": 30})

    assert outcome.status == CheckStatus.FAIL
    assert outcome.message == (
        "Older than 30 days before submission on 2 Jun 2025: “Defect log March” was last "
        "modified on 1 Mar 2025, 93 days before submission."
    )
    assert str(old.public_id) in outcome.evidence


def test_a_file_that_records_no_date_is_a_warning(supplier):
    defect_log(supplier, "Defect log export", csv_bytes(ROWS), "defects.csv")
    defect_log(
        supplier, "Defect log May", pdf_created(dt.datetime(2025, 5, 20, 16, 0)), "defects.pdf"
    )
    submit(supplier)

    outcome = run_check("evidence_within_window", supplier, DEFECTS, {"max_age_days": 30})

    assert outcome.status == CheckStatus.WARNING
    assert outcome.message == (
        "Not confirmed within 30 days before submission on 2 Jun 2025: “Defect log export” "
        "records no date (only PDF, Word and Excel files do). Within the window: "
        "“Defect log May” (created 20 May 2025)."
    )


def test_a_date_answer_within_the_window_passes(supplier):
    set_answers(supplier, {"4.1.2": "2025-01-06", "4.1.3": "2025-05-01"})
    submit(supplier)

    outcome = run_check(
        "evidence_within_window",
        supplier,
        ["4.1.4", "4.1.5"],
        {"max_age_days": 90, "date_question": "4.1.3"},
    )

    assert outcome.status == CheckStatus.PASS
    assert outcome.message == (
        "4.1.3 gives 1 May 2025, 32 days before submission on 2 Jun 2025 (the limit is 90 days)."
    )
    assert outcome.questions == ("4.1.3",)


def test_a_date_answer_outside_the_window_fails(supplier):
    set_answers(supplier, {"4.1.2": "2025-01-06", "4.1.3": "2025-01-10"})
    submit(supplier)

    outcome = run_check(
        "evidence_within_window",
        supplier,
        ["4.1.5"],
        {"max_age_days": 90, "date_question": "4.1.3"},
    )

    assert outcome.status == CheckStatus.FAIL
    assert outcome.message == (
        "4.1.3 gives 10 Jan 2025, 143 days before submission on 2 Jun 2025; the limit is 90 days."
    )


def test_a_date_answer_after_submission_or_missing_is_a_warning(supplier):
    set_answers(supplier, {"4.1.3": "2025-07-01"})
    submit(supplier)

    later = run_check(
        "evidence_within_window",
        supplier,
        ["4.1.5"],
        {"max_age_days": 90, "date_question": "4.1.3"},
    )
    missing = run_check(
        "evidence_within_window",
        supplier,
        ["4.1.5"],
        {"max_age_days": 90, "date_question": "4.1.2"},
    )

    assert (later.status, later.message) == (
        CheckStatus.WARNING,
        "4.1.3 gives 1 Jul 2025, after submission on 2 Jun 2025.",
    )
    assert (missing.status, missing.message) == (
        CheckStatus.WARNING,
        "4.1.2 is not answered, so the evidence date cannot be checked.",
    )
