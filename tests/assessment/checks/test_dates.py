"""dates_in_order: dates follow each other, and sit on the right side of the submission."""

import pytest

from assessment.enums import CheckStatus
from tests.assessment.support import run_check, set_answers, submit

pytestmark = pytest.mark.django_db

PIT = ["4.1.1", "4.1.2", "4.1.3"]
WORK_OFF = ["4.8.3", "4.8.4", "4.8.5"]


def plan(*rows):
    return [
        {"defect_ref": ref, "description": "Retest", "owner": "QA lead", "due_date": due}
        for ref, due in rows
    ]


def test_the_template_order_holds(supplier):
    set_answers(supplier, {"4.1.2": "2025-01-06", "4.1.3": "2025-03-28"})
    submit(supplier)

    outcome = run_check("dates_in_order", supplier, PIT)

    assert outcome.status == CheckStatus.PASS
    assert (
        outcome.message
        == "Dates are in order: 4.1.3 (28 Mar 2025) is not before 4.1.2 (6 Jan 2025)."
    )
    assert outcome.questions == ("4.1.2", "4.1.3")


def test_a_completion_date_before_the_start_fails(supplier):
    set_answers(supplier, {"4.1.2": "2025-01-06", "4.1.3": "2025-01-01"})
    submit(supplier)

    outcome = run_check("dates_in_order", supplier, PIT)

    assert outcome.status == CheckStatus.FAIL
    assert outcome.message == "Dates out of order: 4.1.3 (1 Jan 2025) is before 4.1.2 (6 Jan 2025)."


def test_test_completion_after_submission_fails(supplier):
    set_answers(supplier, {"4.1.2": "2025-01-06", "4.1.3": "2025-07-01"})
    submit(supplier)

    outcome = run_check("dates_in_order", supplier, PIT, {"not_after_submission": ["4.1.3"]})

    assert outcome.status == CheckStatus.FAIL
    assert (
        outcome.message
        == "Dates out of order: 4.1.3 (1 Jul 2025) is after submission on 2 Jun 2025."
    )
    assert outcome.questions == ("4.1.3",)


def test_completion_on_the_day_of_submission_is_in_order(supplier):
    set_answers(supplier, {"4.1.2": "2025-01-06", "4.1.3": "2025-06-02"})
    submit(supplier)

    outcome = run_check("dates_in_order", supplier, PIT, {"not_after_submission": ["4.1.3"]})

    assert outcome.message == (
        "Dates are in order: 4.1.3 (2 Jun 2025) is not before 4.1.2 (6 Jan 2025); "
        "4.1.3 (2 Jun 2025) is not after submission on 2 Jun 2025."
    )


def test_work_off_due_dates_in_the_past_fail_row_by_row(supplier):
    set_answers(
        supplier,
        {"4.8.3": plan(("DEF-101", "2025-09-30"), ("DEF-102", "2025-05-01"), ("DEF-103", None))},
    )
    submit(supplier)

    outcome = run_check(
        "dates_in_order", supplier, WORK_OFF, {"after_submission": ["4.8.3:due_date"]}
    )

    assert outcome.status == CheckStatus.FAIL
    assert outcome.message == (
        "Dates out of order: 4.8.3 row 2 (DEF-102): due date 1 May 2025 is not after "
        "submission on 2 Jun 2025."
    )
    assert outcome.questions == ("4.8.3",)


def test_work_off_due_dates_in_the_future_pass(supplier):
    set_answers(supplier, {"4.8.3": plan(("DEF-101", "2025-09-30"), ("DEF-102", "2025-07-15"))})
    submit(supplier)

    outcome = run_check(
        "dates_in_order", supplier, WORK_OFF, {"after_submission": ["4.8.3:due_date"]}
    )

    assert outcome.status == CheckStatus.PASS
    assert outcome.message == (
        "Dates are in order: every due date in 4.8.3 (2 rows) is after submission on 2 Jun 2025."
    )


def test_explicit_pairs_replace_the_template_order(supplier):
    set_answers(supplier, {"4.1.3": "2025-03-28", "4.5.1": "2025-02-10"})
    submit(supplier)

    outcome = run_check(
        "dates_in_order", supplier, ["4.1.3", "4.5.1"], {"pairs": [["4.5.1", "4.1.3"]]}
    )

    assert (
        outcome.message
        == "Dates are in order: 4.1.3 (28 Mar 2025) is not before 4.5.1 (10 Feb 2025)."
    )


def test_no_dates_given_or_none_to_compare_is_not_applicable(supplier):
    submit(supplier)

    unanswered = run_check("dates_in_order", supplier, PIT)
    dateless = run_check("dates_in_order", supplier, ["3.1", "3.2"])
    empty_plan = run_check(
        "dates_in_order", supplier, WORK_OFF, {"after_submission": ["4.8.3:due_date"]}
    )

    assert (unanswered.status, unanswered.message) == (
        CheckStatus.NOT_APPLICABLE,
        "No dates to compare: 4.1.2 and 4.1.3 are not both answered.",
    )
    assert dateless.message == "The questions that apply (3.1, 3.2) have no dates to put in order."
    assert empty_plan.message == "No dates to compare: 4.8.3 has no due date to check."
