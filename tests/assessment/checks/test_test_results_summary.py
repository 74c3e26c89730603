"""test_results_summary: a CSV (or Excel) test execution log's results against the
criterion's pass-rate threshold, with every failed case listed."""

import pytest

from assessment.enums import CheckStatus
from evidence.enums import ScanState
from tests.assessment.files import csv_bytes, execution_log, passing_log
from tests.assessment.support import ids, run_check, submit
from tests.evidence.factories import attach
from tests.evidence.scanning.files import make_xlsx

pytestmark = pytest.mark.django_db

PIT = ["4.1.4", "4.1.5", "4.1.6", "4.1.7"]
THRESHOLD = {"min_pass_rate": 0.95}


def log(participant, content, *, title="PIT execution log", name="pit-log.csv", **state):
    return attach(
        participant,
        "4.1.5",
        content,
        name=name,
        title=title,
        evidence_type="test_execution_log",
        **state,
    )


def test_every_case_passed_passes(supplier):
    item = log(supplier, execution_log(passing_log(20)))
    submit(supplier)

    outcome = run_check("test_results_summary", supplier, PIT, THRESHOLD)

    assert outcome.status == CheckStatus.PASS
    assert outcome.message == (
        "“PIT execution log”: all 20 test cases passed (pass rate 100%, threshold 95%)."
    )
    assert outcome.evidence == ids(item)
    assert outcome.questions == ("4.1.5",)


def test_above_the_threshold_with_a_failure_is_a_warning_listing_it(supplier):
    results = passing_log(40)
    results[6] = ("TC-007", "Failed")
    log(supplier, execution_log(results))
    submit(supplier)

    outcome = run_check("test_results_summary", supplier, PIT, THRESHOLD)

    assert outcome.status == CheckStatus.WARNING
    assert outcome.message == (
        "“PIT execution log”: 40 test cases: 39 passed, 1 failed, 0 blocked; pass rate 97.5% "
        "meets the 95% threshold. Failed: TC-007."
    )


def test_below_the_threshold_fails_listing_failed_and_blocked_cases(supplier):
    results = [
        *passing_log(17),
        ("TC-004", "Failed"),  # a retest: TC-004 passed first, failed on its last run
        ("TC-018", "fail"),
        ("TC-019", "Blocked"),
        ("TC-020", "Failed"),
        ("TC-020", "Passed"),  # failed, then passed on retest: counts as passed
        ("TC-021", "Not run"),
    ]
    log(supplier, execution_log(results))
    submit(supplier)

    outcome = run_check("test_results_summary", supplier, PIT, THRESHOLD)

    assert outcome.status == CheckStatus.FAIL
    assert outcome.message == (
        "“PIT execution log”: 20 test cases: 17 passed, 2 failed, 1 blocked; pass rate 85.0% "
        "is below the 95% threshold. Failed: TC-004, TC-018. Blocked: TC-019. Not counted: "
        "1 test case with another result (not run: 1)."
    )


def test_a_long_list_of_failures_is_cut_at_fifty_with_a_count(supplier):
    results = [(f"TC-{n:03d}", "Failed") for n in range(1, 61)] + passing_log(40, prefix="OK")
    log(supplier, execution_log(results))
    submit(supplier)

    outcome = run_check("test_results_summary", supplier, PIT, THRESHOLD)

    first_fifty = ", ".join(f"TC-{n:03d}" for n in range(1, 51))
    assert outcome.message == (
        "“PIT execution log”: 100 test cases: 40 passed, 60 failed, 0 blocked; pass rate 40.0% "
        f"is below the 95% threshold. Failed: {first_fifty} and 10 more."
    )


def test_a_rate_just_under_the_threshold_never_reads_as_equal_to_it(supplier):
    results = [*passing_log(1899, prefix="P"), *[(f"F-{n}", "Failed") for n in range(101)]]
    log(supplier, execution_log(results))
    submit(supplier)

    outcome = run_check("test_results_summary", supplier, PIT, THRESHOLD)

    assert outcome.status == CheckStatus.FAIL
    assert "pass rate 94.9% is below the 95% threshold" in outcome.message


def test_other_headings_delimiters_and_spellings_are_read(supplier):
    content = csv_bytes(
        [("Test ID", "Status"), ("T1", "PASS"), ("T2", "PASS"), ("T3", "FAIL")], delimiter=";"
    )
    log(supplier, content, title="QT run log")
    submit(supplier)

    outcome = run_check("test_results_summary", supplier, PIT, {"min_pass_rate": 0.5})

    assert outcome.message == (
        "“QT run log”: 3 test cases: 2 passed, 1 failed, 0 blocked; pass rate 66.7% meets the "
        "50% threshold. Failed: T3."
    )


def test_an_excel_log_is_read_too(supplier, tmp_path):
    path = make_xlsx(
        tmp_path / "log.xlsx",
        {"Summary": [("Run", "Week 19")], "Runs": [("Test case", "Outcome"), ("A-1", "Passed")]},
    )
    log(supplier, path, title="Excel log", name="log.xlsx")
    submit(supplier)

    outcome = run_check("test_results_summary", supplier, PIT, THRESHOLD)

    assert outcome.message == (
        "“Excel log”: the only test case passed (pass rate 100%, threshold 95%)."
    )


def test_a_malformed_csv_is_an_error_with_the_reason(supplier):
    broken = log(
        supplier,
        b'Test case ID,Result\nTC-001,Passed\nTC-002,"Passed"x\n',
        title="Broken log",
    )
    submit(supplier)

    outcome = run_check("test_results_summary", supplier, PIT, THRESHOLD)

    assert outcome.status == CheckStatus.ERROR
    assert outcome.message == (
        "“Broken log” is not valid CSV (line 3): ',' expected after '\"', so it could not be "
        "summarised."
    )
    assert outcome.evidence == ids(broken)


def test_the_other_logs_are_still_summarised_beside_one_that_cannot_be_read(supplier):
    log(supplier, execution_log(passing_log(20)))
    log(supplier, b'Test case ID,Result\nTC-002,"Passed"x\n', title="Broken log")
    submit(supplier)

    outcome = run_check("test_results_summary", supplier, PIT, THRESHOLD)

    assert outcome.status == CheckStatus.ERROR
    assert outcome.message == (
        "“PIT execution log”: all 20 test cases passed (pass rate 100%, threshold 95%). "
        "“Broken log” is not valid CSV (line 2): ',' expected after '\"', so it could not be "
        "summarised."
    )


def test_a_log_without_a_test_case_column_is_an_error_naming_its_headings(supplier):
    log(supplier, csv_bytes([("Name", "Outcome"), ("Login", "Passed")]), title="Odd log")
    submit(supplier)

    outcome = run_check("test_results_summary", supplier, PIT, THRESHOLD)

    assert outcome.status == CheckStatus.ERROR
    assert outcome.message == (
        "“Odd log” has no column for the test case (e.g. Test case ID, Test case, Test ID); its "
        "headings are: Name, Outcome, so it could not be summarised."
    )


def test_a_pdf_attached_as_a_log_is_an_error(supplier):
    log(supplier, b"%PDF-1.7", title="Scanned log", name="log.pdf")
    submit(supplier)

    outcome = run_check("test_results_summary", supplier, PIT, THRESHOLD)

    assert outcome.message == (
        "“Scanned log” is a PDF document, not a CSV or Excel (.xlsx) file, so it could not be "
        "summarised."
    )


def test_a_log_still_being_checked_is_not_read(supplier):
    log(supplier, execution_log(passing_log(3)), scan_state=ScanState.PENDING)
    submit(supplier)

    outcome = run_check("test_results_summary", supplier, PIT, THRESHOLD)

    assert (outcome.status, outcome.message) == (
        CheckStatus.WARNING,
        "“PIT execution log” has not passed the file checks, so it was not read.",
    )


def test_no_log_attached_is_not_applicable(supplier):
    submit(supplier)

    outcome = run_check("test_results_summary", supplier, PIT, THRESHOLD)

    assert (outcome.status, outcome.message) == (
        CheckStatus.NOT_APPLICABLE,
        "No Test execution log is attached to 4.1.4, 4.1.5, 4.1.6, 4.1.7.",
    )
