"""required_answers_present: every required question the criterion covers is answered."""

import pytest

from assessment.enums import CheckStatus
from evidence.enums import ScanState
from tests.assessment.files import execution_log, passing_log
from tests.assessment.support import run_check, set_answers, submit
from tests.evidence.factories import attach

pytestmark = pytest.mark.django_db

CONTACTS = [
    {"name": "Ada Byrne", "position": "MHHS lead", "email": "ada@harbour.example", "primary": True}
]


def test_every_required_answer_given_passes(supplier):
    set_answers(supplier, {"3.1": "Harbour Energy Ltd", "3.2": "07654321", "3.3": CONTACTS})
    submit(supplier)

    outcome = run_check("required_answers_present", supplier, ["3.1", "3.2", "3.3"])

    assert outcome.status == CheckStatus.PASS
    assert outcome.message == "Every required question is answered: 3.1, 3.2, 3.3."
    assert outcome.questions == ("3.1", "3.2", "3.3")


def test_missing_and_blank_answers_fail_naming_each_question(supplier):
    set_answers(supplier, {"3.1": "Harbour Energy Ltd", "3.2": "   "})
    submit(supplier)

    outcome = run_check("required_answers_present", supplier, ["3.1", "3.2", "3.3"])

    assert outcome.status == CheckStatus.FAIL
    assert outcome.message == "2 of 3 required questions are not answered: 3.2, 3.3."
    assert outcome.questions == ("3.2", "3.3")


def test_an_evidence_only_question_needs_a_file_that_was_not_rejected(supplier):
    set_answers(supplier, {"4.1.4": True})
    attach(
        supplier,
        "4.1.5",
        b"MZ not a PDF",
        name="pit-report.pdf",
        title="PIT completion report",
        evidence_type="test_completion_report",
        scan_state=ScanState.REJECTED,
        reasons=["It is named .pdf but is a Windows program."],
    )
    submit(supplier)

    outcome = run_check("required_answers_present", supplier, ["4.1.4", "4.1.5"])

    assert outcome.status == CheckStatus.FAIL
    assert outcome.message == (
        "1 of 2 required questions is not answered: 4.1.5 (no evidence attached)."
    )
    assert outcome.questions == ("4.1.5",)


def test_an_evidence_only_question_with_a_clean_file_is_answered(supplier):
    attach(
        supplier,
        "4.1.5",
        execution_log(passing_log(3)),
        name="pit-log.csv",
        evidence_type="test_execution_log",
    )
    submit(supplier)

    outcome = run_check("required_answers_present", supplier, ["4.1.5"])

    assert (outcome.status, outcome.message) == (
        CheckStatus.PASS,
        "Every required question is answered: 4.1.5.",
    )


def test_one_required_question_unanswered_is_named(supplier):
    submit(supplier)

    outcome = run_check("required_answers_present", supplier, ["4.8.3", "4.8.4"])

    assert outcome.message == "The required question 4.8.4 is not answered."


def test_a_criterion_of_optional_questions_only_is_not_applicable(supplier):
    submit(supplier)

    # 4.8.5 (the work-off plan) is not asked of a participant with no work-off item open.
    outcome = run_check("required_answers_present", supplier, ["4.8.3", "4.8.5"])

    assert outcome.status == CheckStatus.NOT_APPLICABLE
    assert outcome.message == "None of the questions that apply (4.8.3) is required."


def test_questions_that_do_not_apply_are_left_out(supplier):
    """4.3.x are for Qualification Testing; this Supplier is in SIT."""
    set_answers(supplier, {"4.2.3": "exited"})
    submit(supplier)

    outcome = run_check("required_answers_present", supplier, ["4.2.3", "4.3.3"])

    assert outcome.message == "Every required question is answered: 4.2.3."
