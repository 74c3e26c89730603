"""evidence_scan_clean: every attached file passed the type, malware and personal data checks
(findings resolved or justified)."""

import pytest

from assessment.enums import CheckStatus
from evidence.enums import MalwareState, ScanState
from tests.assessment.files import execution_log, passing_log
from tests.assessment.support import ids, run_check, submit
from tests.evidence.factories import attach

pytestmark = pytest.mark.django_db

PIT = ["4.1.4", "4.1.5", "4.1.6", "4.1.7"]


def file(participant, title, content, **state):
    return attach(
        participant,
        "4.1.5",
        content,
        name=f"{title.lower().replace(' ', '-')}.csv",
        title=title,
        evidence_type="test_execution_log",
        **state,
    )


def test_clean_files_and_justified_findings_pass(supplier):
    first = file(supplier, "PIT log week 1", execution_log(passing_log(2)))
    second = file(
        supplier,
        "PIT log week 2",
        execution_log(passing_log(3)),
        scan_state=ScanState.NEEDS_ATTENTION,
        findings_total=2,
        justification="These are synthetic MPANs from the DIP simulator, not customers'.",
    )
    submit(supplier)

    outcome = run_check("evidence_scan_clean", supplier, PIT)

    assert outcome.status == CheckStatus.PASS
    assert outcome.message == (
        "All 2 files are clean: “PIT log week 1”, “PIT log week 2”. Personal data findings in "
        "“PIT log week 2” were justified by the participant."
    )
    assert outcome.evidence == ids(first, second)


def test_rejected_infected_and_unresolved_files_fail_each_with_its_reason(supplier):
    clean = file(supplier, "PIT log week 1", execution_log(passing_log(2)))
    rejected = file(
        supplier,
        "Exit report",
        b"MZ...",
        scan_state=ScanState.REJECTED,
        reasons=["It is named .csv but is a Windows program."],
    )
    infected = file(
        supplier,
        "Screenshots",
        b"zip",
        scan_state=ScanState.REJECTED,
        malware_state=MalwareState.INFECTED,
        reasons=["Malware found."],
    )
    infected.stored_file.malware_name = "Eicar-Test-Signature"
    infected.stored_file.save()
    personal = file(
        supplier,
        "PIT log week 2",
        execution_log(passing_log(4)),
        scan_state=ScanState.NEEDS_ATTENTION,
        findings_total=3,
    )
    pending = file(
        supplier,
        "PIT log week 3",
        execution_log(passing_log(5)),
        scan_state=ScanState.PENDING,
        malware_state="",
    )
    submit(supplier)

    outcome = run_check("evidence_scan_clean", supplier, PIT)

    assert outcome.status == CheckStatus.FAIL
    assert outcome.message == (
        "4 of 5 files are not clean: “Exit report” was rejected (It is named .csv but is a "
        "Windows program.); “Screenshots” was rejected (malware found: Eicar-Test-Signature); "
        "“PIT log week 2” has 3 possible items of personal data that nobody has resolved or "
        "justified; “PIT log week 3” is still being checked."
    )
    assert outcome.evidence == ids(rejected, infected, personal, pending)
    assert str(clean.public_id) not in outcome.evidence
    assert outcome.questions == ("4.1.5",)


def test_a_file_not_scanned_for_malware_is_a_warning(supplier):
    file(supplier, "PIT log week 1", execution_log(passing_log(2)))
    unscanned = file(
        supplier,
        "PIT log week 2",
        execution_log(passing_log(3)),
        malware_state=MalwareState.NOT_SCANNED,
    )
    submit(supplier)

    outcome = run_check("evidence_scan_clean", supplier, PIT)

    assert outcome.status == CheckStatus.WARNING
    assert outcome.message == (
        "1 of 2 files is not confirmed clean yet: “PIT log week 2” was not scanned for malware "
        "(no scanner was configured)."
    )
    assert outcome.evidence == ids(unscanned)


def test_only_the_listed_types_are_checked(supplier):
    file(supplier, "PIT log week 1", execution_log(passing_log(2)), scan_state=ScanState.PENDING)
    report = attach(
        supplier,
        "4.1.5",
        b"%PDF-1.7 report",
        name="exit.pdf",
        title="PIT completion report",
        evidence_type="test_completion_report",
    )
    submit(supplier)

    outcome = run_check("evidence_scan_clean", supplier, PIT, {"types": ["test_completion_report"]})

    assert (outcome.status, outcome.message) == (
        CheckStatus.PASS,
        "The file is clean: “PIT completion report”.",
    )
    assert outcome.evidence == ids(report)


def test_no_file_attached_is_not_applicable(supplier):
    submit(supplier)

    outcome = run_check("evidence_scan_clean", supplier, PIT)

    assert outcome.status == CheckStatus.NOT_APPLICABLE
    assert outcome.message == (
        "No evidence is attached to the questions that apply (4.1.4, 4.1.5, 4.1.6, 4.1.7)."
    )
