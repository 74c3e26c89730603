"""evidence_types_attached: the evidence types a criterion expects are attached."""

import pytest

from assessment.enums import CheckStatus
from evidence.enums import ScanState
from tests.assessment.files import execution_log, passing_log
from tests.assessment.support import ids, run_check, submit
from tests.evidence.factories import attach

pytestmark = pytest.mark.django_db

PIT = ["4.1.4", "4.1.5", "4.1.6", "4.1.7"]


def report(participant, **state):
    return attach(
        participant,
        "4.1.5",
        b"%PDF-1.7 PIT completion report",
        name="pit-exit.pdf",
        title="PIT completion report",
        evidence_type="test_completion_report",
        **state,
    )


def log(participant, **state):
    return attach(
        participant,
        "4.1.5",
        execution_log(passing_log(5)),
        name="pit-log.csv",
        title="PIT execution log",
        evidence_type="test_execution_log",
        **state,
    )


def test_each_required_type_attached_passes_with_the_files(supplier):
    first, second = report(supplier), log(supplier)
    submit(supplier)

    outcome = run_check("evidence_types_attached", supplier, PIT)

    assert outcome.status == CheckStatus.PASS
    assert outcome.message == (
        "Every expected evidence type is attached: Test completion report (4.1.5); "
        "Test execution log (4.1.5)."
    )
    assert outcome.evidence == ids(first, second)
    assert outcome.questions == ("4.1.5",)


def test_a_missing_type_fails_naming_the_type_and_the_question(supplier):
    report(supplier)
    submit(supplier)

    outcome = run_check("evidence_types_attached", supplier, PIT)

    assert outcome.status == CheckStatus.FAIL
    assert outcome.message == "Missing evidence: Test execution log for 4.1.5."
    assert outcome.questions == ("4.1.5",)


def test_a_rejected_file_does_not_count_and_is_named(supplier):
    report(supplier)
    rejected = log(supplier, scan_state=ScanState.REJECTED, reasons=["It is not text."])
    submit(supplier)

    outcome = run_check("evidence_types_attached", supplier, PIT)

    assert outcome.message == (
        "Missing evidence: Test execution log for 4.1.5 (“PIT execution log” was rejected)."
    )
    assert str(rejected.public_id) not in outcome.evidence


def test_listed_types_only_expected_by_questions_that_do_not_apply_are_not_needed(supplier):
    """3.6 (the PQS reference, which expects the PQS) is for non-SIT routes only."""
    submit(supplier)

    outcome = run_check(
        "evidence_types_attached", supplier, ["3.6", "3.9", "3.10"], {"types": ["pqs_submission"]}
    )

    assert outcome.status == CheckStatus.NOT_APPLICABLE
    assert outcome.message == "No evidence is expected for the questions that apply (3.9, 3.10)."


def test_a_listed_type_no_question_names_may_be_attached_to_any_of_them(supplier):
    submit(supplier)

    outcome = run_check(
        "evidence_types_attached", supplier, ["9.2", "9.10"], {"types": ["control_description"]}
    )

    assert outcome.message == (
        "Missing evidence: Control description or control matrix for 9.2 or 9.10."
    )
    assert outcome.questions == ("9.2", "9.10")


def test_a_listed_type_attached_to_another_question_of_the_criterion_counts(supplier):
    matrix = attach(
        supplier,
        "9.10",
        b"%PDF-1.7 controls",
        name="controls.pdf",
        title="Control matrix 2025",
        evidence_type="control_description",
    )
    submit(supplier)

    outcome = run_check(
        "evidence_types_attached", supplier, ["9.2", "9.10"], {"types": ["control_description"]}
    )

    assert outcome.message == (
        "Every expected evidence type is attached: Control description or control matrix (9.10)."
    )
    assert outcome.evidence == ids(matrix)
