"""Criteria files name checks with parameters: the loader checks both through the registry
and names every problem with its path in the file; nothing is loaded from a bad file."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assessment.checks import CHECKS
from assessment.enums import CheckStatus
from assessment.models import CriteriaSet
from assessment.services.criteria import criteria_set_load
from qad.version_file_reader import VersionFileError
from tests.assessment.support import run_check, submit
from tests.version_files import as_bytes, criteria_doc, template_doc, template_published

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[3] / "docs" / "automated-checks.md"
WORK_OFF_PLAN = {
    "ref": "3.4",
    "prompt": "List your work-off plan.",
    "answer_type": "table",
    "columns": [
        {"key": "owner", "label": "Owner", "type": "text"},
        {"key": "due", "label": "Due date", "type": "date"},
    ],
    "assessed_by": ["BSC"],
}


@pytest.fixture
def template():
    document = template_doc()
    document["sections"][1]["questions"].append(WORK_OFF_PLAN)
    return template_published("t.yaml", document)


def with_checks(*checks, criterion: int = 1) -> dict:
    document = criteria_doc()
    document["criteria"][criterion]["checks"] = list(checks)
    return document


def problems_of(document) -> list[str]:
    with pytest.raises(VersionFileError) as caught:
        criteria_set_load(filename="criteria.yaml", content=as_bytes(document))
    assert not CriteriaSet.objects.filter(version="1.0", code_body__code="BSC").exists()
    return [str(p) for p in caught.value.problems]


P = "criteria[1].checks[0].params"


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        (
            {"name": "test_results_summary", "params": {"min_pass_rate": "high"}},
            f"{P}.min_pass_rate: expected a number between 0 and 1, found 'high'",
        ),
        (
            {"name": "test_results_summary", "params": {"min_pass_rate": 95}},
            f"{P}.min_pass_rate: expected a number between 0 and 1, found the number 95",
        ),
        ("test_results_summary", f"{P}.min_pass_rate: is required"),
        (
            {"name": "test_results_summary", "params": {"min_pass_rate": 0.9, "threshold": 1}},
            f"{P}.threshold: unknown parameter (test_results_summary takes evidence_type, "
            "min_pass_rate)",
        ),
        (
            {"name": "required_answers_present", "params": {"strict": True}},
            f"{P}.strict: unknown parameter (required_answers_present takes no parameters)",
        ),
        (
            {
                "name": "evidence_types_attached",
                "params": {"types": ["test_completion_report", "rttm"]},
            },
            f"{P}.types[1]: unknown evidence type 'rttm' (the bound template has: "
            "test_completion_report)",
        ),
        (
            {"name": "evidence_scan_clean", "params": {"types": "test_completion_report"}},
            f"{P}.types: expected a list of evidence types, found 'test_completion_report'",
        ),
        (
            {"name": "evidence_within_window", "params": {"max_age_days": 2.5}},
            f"{P}.max_age_days: expected a whole number between 1 and 3650, found the number 2.5",
        ),
        (
            {
                "name": "evidence_within_window",
                "params": {"max_age_days": 30, "date_question": "3.1"},
            },
            f"{P}.date_question: question '3.1' is not a date question (it is free_text)",
        ),
        (
            {
                "name": "evidence_within_window",
                "params": {"max_age_days": 30, "date_question": 3.2},
            },
            f"{P}.date_question: expected a question ref, found the number 3.2 (put it in quotes)",
        ),
        (
            {"name": "dates_in_order", "params": {"pairs": [["3.2"]]}},
            f"{P}.pairs[0]: expected [earlier, later] question refs, found a list",
        ),
        (
            {"name": "dates_in_order", "params": {"pairs": [["3.2", "3.1"]]}},
            f"{P}.pairs[0][1]: question '3.1' is not a date question (it is free_text)",
        ),
        (
            {"name": "dates_in_order", "params": {"after_submission": ["3.4:owner"]}},
            f"{P}.after_submission[0]: table '3.4' has no date column 'owner' (its date "
            "columns: due)",
        ),
        (
            {"name": "dates_in_order", "params": {"not_after_submission": ["9.9"]}},
            f"{P}.not_after_submission[0]: there is no question '9.9' in the bound template",
        ),
        (
            {"name": "sign_off_matches", "params": {"stages": ["final", "interim"]}},
            f"{P}.stages[1]: 'interim' is not one of initial, final",
        ),
        (
            {"name": "rttm_coverage", "params": {"scope": "all"}},
            f"{P}.scope: expected one of code_body, criterion, found 'all'",
        ),
        (
            {"name": "reliance_references_valid", "params": ["revision"]},
            "criteria[1].checks[0].params: expected a mapping, found a list",
        ),
    ],
    ids=[
        "not a number",
        "a percentage, not a rate",
        "required missing",
        "unknown parameter",
        "a check without parameters",
        "unknown evidence type",
        "types not a list",
        "days not whole",
        "not a date question",
        "unquoted ref",
        "pair of one",
        "pair with a non-date",
        "not a date column",
        "no such question",
        "unknown stage",
        "unknown scope",
        "params not a mapping",
    ],
)
def test_bad_parameters_are_named_with_their_path_and_nothing_is_loaded(template, check, expected):
    assert problems_of(with_checks(check)) == [expected]


def test_every_problem_in_a_file_is_listed(template):
    document = with_checks(
        {"name": "test_results_summary", "params": {"min_pass_rate": "high"}},
        {"name": "evidence_within_window", "params": {}},
    )
    document["criteria"][0]["checks"] = ["required_answers_present", "looks_good"]

    assert problems_of(document) == [
        "criteria[0].checks[1]: unknown check 'looks_good' (known: dates_in_order, "
        "evidence_scan_clean, evidence_types_attached, evidence_within_window, "
        "identifiers_match_reference_data, reliance_references_valid, required_answers_present, "
        "rttm_coverage, sign_off_matches, test_results_summary)",
        f"{P}.min_pass_rate: expected a number between 0 and 1, found 'high'",
        "criteria[1].checks[1].params.max_age_days: is required",
    ]


def test_good_parameters_are_stored_as_the_file_gives_them(template):
    check = {
        "name": "dates_in_order",
        "params": {"pairs": [["3.2", "3.3"]], "after_submission": ["3.4:due"]},
    }
    criteria_set = criteria_set_load(
        filename="criteria.yaml", content=as_bytes(with_checks(check))
    ).version

    assert criteria_set.criteria.get(ref="BSC-3-02").checks == [check]


def test_the_command_reports_the_file_and_the_path(template, tmp_path):
    path = tmp_path / "bad-criteria.yaml"
    path.write_bytes(
        as_bytes(with_checks({"name": "test_results_summary", "params": {"min_pass_rate": "high"}}))
    )

    with pytest.raises(CommandError) as caught:
        call_command("load_criteria", str(path))

    assert f"{path}: {P}.min_pass_rate: expected a number between 0 and 1, found 'high'" in str(
        caught.value
    )


def test_stored_parameters_the_check_no_longer_accepts_give_an_error_result(supplier):
    submit(supplier)

    bad = run_check("test_results_summary", supplier, ["4.1.5"], {"min_pass_rate": "high"})
    unknown = run_check("looks_good", supplier, ["4.1.5"])

    assert (bad.status, bad.message) == (
        CheckStatus.ERROR,
        "The criteria file gives test_results_summary parameters it does not accept: "
        "min_pass_rate: expected a number between 0 and 1, found 'high'.",
    )
    assert (unknown.status, unknown.message) == (
        CheckStatus.ERROR,
        "The criteria name a check the portal does not have ('looks_good').",
    )


def test_every_check_and_parameter_is_documented():
    text = DOCS.read_text()
    for name, check in CHECKS.items():
        assert f"### `{name}`" in text, name
        for param in check.params:
            assert f"`{param.name}`" in text, (name, param.name)


def test_the_shipped_criteria_name_known_checks_with_parameters_they_accept():
    from assessment.models import Criterion
    from qad.enums import VersionStatus

    shipped = Criterion.objects.filter(criteria_set__status=VersionStatus.PUBLISHED)
    named = [(c.ref, check) for c in shipped for check in c.checks]
    assert len(named) > 100
    for ref, check in named:
        assert check["name"] in CHECKS, ref
        CHECKS[check["name"]].params_for(check["params"])
