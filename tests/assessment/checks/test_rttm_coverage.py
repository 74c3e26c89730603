"""rttm_coverage: every MHHS requirement in scope has a passed test case in the latest
Requirements to Test Traceability Matrix (XLSX or CSV), and every gap is listed."""

import pytest

from assessment.enums import CheckStatus
from tests.assessment.files import RTTM_HEADERS, rttm_csv, rttm_rows, rttm_xlsx
from tests.assessment.support import ids, run_check, submit
from tests.evidence.factories import attach

pytestmark = pytest.mark.django_db

RTTM_QUESTIONS = ["4.4.3", "4.4.4"]


def bsc_requirements(participant) -> list[str]:
    """The MHHS requirements of every question that applies and the BSC assesses."""
    found: dict[str, None] = {}
    for answer in participant.revision.answers.select_related("question"):
        if "BSC" in answer.question.assessed_by:
            found.update(dict.fromkeys(answer.question.requirements))
    return list(found)


def rttm(participant, content, *, title="RTTM QT exit v3", name="rttm.xlsx"):
    return attach(participant, "4.4.3", content, name=name, title=title, evidence_type="rttm")


def test_an_xlsx_rttm_covering_every_requirement_passes(qt_supplier, tmp_path):
    requirements = bsc_requirements(qt_supplier)
    # 50: the declaration's three (MHHS-BR-QUAL-030 to 032) are asked in the Final QAD only.
    assert len(requirements) == 50
    rows = rttm_rows(dict.fromkeys(requirements, "Passed"))
    item = rttm(qt_supplier, rttm_xlsx(tmp_path / "rttm.xlsx", rows, title="v3"))
    submit(qt_supplier)

    outcome = run_check("rttm_coverage", qt_supplier, RTTM_QUESTIONS)

    assert outcome.status == CheckStatus.PASS
    assert outcome.message == (
        "“RTTM QT exit v3”: every requirement in scope (50) has a passed test case."
    )
    assert outcome.evidence == ids(item)
    assert outcome.questions == ("4.4.3", "4.4.4")


def test_every_gap_is_listed_with_why_and_the_questions_it_maps_to(qt_supplier):
    results = dict.fromkeys(bsc_requirements(qt_supplier), "Passed")
    del results["MHHS-BR-TS-031"]
    results["MHHS-BR-QUAL-020"] = "Failed"
    rows = [
        *rttm_rows(results),
        ("MHHS-BR-QUAL-020", "SC-54", "TC-054", "Blocked", ""),
    ]
    rttm(qt_supplier, rttm_csv(rows), title="RTTM QT exit", name="rttm.csv")
    submit(qt_supplier)

    outcome = run_check("rttm_coverage", qt_supplier, RTTM_QUESTIONS)

    assert outcome.status == CheckStatus.FAIL
    assert outcome.message == (
        "“RTTM QT exit”: 48 of 50 requirements in scope have a passed test case. Not covered "
        "(2): MHHS-BR-QUAL-020 (no passed test case: TC-007 failed, TC-054 blocked); "
        "MHHS-BR-TS-031 (not in the RTTM)."
    )
    assert outcome.questions == ("3.9", "10.1", "4.4.3", "4.4.4")


def test_the_criterion_scope_covers_its_own_questions_requirements(qt_supplier):
    rows = [("MHHS-BR-TS-030; mhhs-br-ts-031", "SC-01", "TC-001", "pass", "QT exit p.4")]
    rttm(qt_supplier, rttm_csv(rows), title="RTTM", name="rttm.csv")
    submit(qt_supplier)

    outcome = run_check("rttm_coverage", qt_supplier, RTTM_QUESTIONS, {"scope": "criterion"})

    assert outcome.message == "“RTTM”: every requirement in scope (1) has a passed test case."


def test_passed_rows_without_an_evidence_reference_are_a_warning(qt_supplier):
    rows = [
        ("MHHS-BR-TS-031", "SC-01", "TC-001", "Passed", ""),
        ("MHHS-BR-TS-031", "SC-01", "TC-002", "Failed", "Defect 12"),
    ]
    rttm(qt_supplier, rttm_csv(rows), title="RTTM", name="rttm.csv")
    submit(qt_supplier)

    outcome = run_check("rttm_coverage", qt_supplier, RTTM_QUESTIONS, {"scope": "criterion"})

    assert outcome.status == CheckStatus.WARNING
    assert outcome.message == (
        "“RTTM”: every requirement in scope (1) has a passed test case, but 1 requirement has "
        "no evidence reference for its passed test cases: MHHS-BR-TS-031."
    )
    assert outcome.questions == ("4.4.3", "4.4.4")


def test_an_rttm_without_an_evidence_reference_column_is_a_warning(qt_supplier):
    rttm(
        qt_supplier,
        rttm_csv([("MHHS-BR-TS-031", "TC-1", "Passed")], headers=("Req ID", "Test ID", "Status")),
        title="RTTM",
        name="rttm.csv",
    )
    submit(qt_supplier)

    outcome = run_check("rttm_coverage", qt_supplier, RTTM_QUESTIONS, {"scope": "criterion"})

    assert (outcome.status, outcome.message) == (
        CheckStatus.WARNING,
        "“RTTM”: every requirement in scope (1) has a passed test case, but the RTTM has no "
        "evidence reference column.",
    )


def test_the_latest_of_several_rttms_is_read(qt_supplier, tmp_path):
    rttm(qt_supplier, rttm_csv([]), title="RTTM QT entry", name="entry.csv")
    rows = [("MHHS-BR-TS-031", "SC-01", "TC-001", "Passed", "QT exit p.4")]
    latest = rttm(qt_supplier, rttm_xlsx(tmp_path / "exit.xlsx", rows), title="RTTM QT exit")
    submit(qt_supplier)

    outcome = run_check("rttm_coverage", qt_supplier, RTTM_QUESTIONS, {"scope": "criterion"})

    assert outcome.message == (
        "“RTTM QT exit” (the latest of 2 RTTMs): every requirement in scope (1) has a passed "
        "test case."
    )
    assert outcome.evidence == ids(latest)


def test_an_unreadable_xlsx_is_an_error_with_the_reason(qt_supplier):
    broken = rttm(qt_supplier, b"PK\x03\x04 not really a workbook", title="RTTM (damaged)")
    submit(qt_supplier)

    outcome = run_check("rttm_coverage", qt_supplier, RTTM_QUESTIONS)

    assert outcome.status == CheckStatus.ERROR
    assert outcome.message == (
        "The check could not read a file: “RTTM (damaged)” could not be opened as an Excel "
        "workbook (BadZipFile: File is not a zip file)."
    )
    assert outcome.evidence == ids(broken)


def test_an_rttm_missing_its_requirement_column_is_an_error(qt_supplier, tmp_path):
    headers = ("Scenario", *RTTM_HEADERS[2:])
    rttm(
        qt_supplier,
        rttm_xlsx(tmp_path / "r.xlsx", [("SC-1", "TC-1", "Passed", "x")], headers=headers),
        title="RTTM",
    )
    submit(qt_supplier)

    outcome = run_check("rttm_coverage", qt_supplier, RTTM_QUESTIONS)

    assert outcome.message == (
        "The check could not read a file: “RTTM” has no column for the requirement reference "
        "(e.g. Requirement reference, Requirement ID, MHHS requirement) on sheet “RTTM”; its "
        "headings are: Scenario, Test Case, Result, Evidence Reference."
    )


def test_no_rttm_attached_is_not_applicable(qt_supplier):
    submit(qt_supplier)

    outcome = run_check("rttm_coverage", qt_supplier, RTTM_QUESTIONS)

    assert (outcome.status, outcome.message) == (
        CheckStatus.NOT_APPLICABLE,
        "No Requirements to Test Traceability Matrix (RTTM) is attached to 4.4.3, 4.4.4.",
    )
