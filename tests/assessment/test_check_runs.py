"""Check runs: started by submitting (and by what the checks read changing), once per set of
inputs, a crashing check isolated to its criterion, and results seen only when complete."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.checks import register
from assessment.checks.registry import unregister
from assessment.checks.text import day
from assessment.enums import CheckRunStatus, CheckStatus
from assessment.models import CheckResult, CheckRun
from assessment.selectors import check_summaries, check_summary, latest_check_results
from assessment.services.checks import (
    check_plan,
    checks_run,
    checks_run_all,
    checks_sweep,
    enqueue_for_revision,
)
from assessment.services.criteria import criteria_set_load
from assessment.tasks import run_checks
from evidence.enums import MalwareState, ScanState
from evidence.models import StoredFile
from evidence.tasks import scan_stored_file
from qad.services.submissions import submission_submit
from qualification.models import CodeBody
from tests.assessment.checks.test_signoff import agree_and_sign, as_final
from tests.assessment.files import execution_log, passing_log
from tests.assessment.support import submit
from tests.evidence.factories import attach
from tests.participants import Participant, load_journey_template
from tests.qad.test_submit_and_sign import fill
from tests.qualification.factories import code_body
from tests.version_files import as_bytes, journey_criteria_doc

pytestmark = pytest.mark.django_db

ANSWERS = {
    "3.1": "We operate MHHS in house.",
    "3.2": True,
    "3.3": "in_house",
    "4.1": "2025-03-01",
    "4.2": "2025-05-30",
    "4.3": 412,
    "4.4": [{"reference": "DEF-1", "due": "2031-12-31"}],
}


def load_criteria(document=None):
    return criteria_set_load(
        filename="journey-criteria.yaml", content=as_bytes(document or journey_criteria_doc())
    ).version


@pytest.fixture
def journey(db):
    """A Supplier that has completed the journey QAD, which the BSC's journey criteria assess."""
    load_journey_template(criteria=False)
    load_criteria()
    participant = Participant()
    fill(participant, ANSWERS)
    return participant


def test_log(participant, content=None, **state):
    return attach(
        participant,
        "4.5",
        content if content is not None else execution_log(passing_log(12)),
        name="pit-log.csv",
        title="PIT execution log",
        evidence_type="process_document",
        **state,
    )


test_log.__test__ = False


def bsc():
    return code_body("BSC")


def results_of(revision) -> dict[str, list[tuple[str, str, str]]]:
    return {
        results[0].criterion.ref: [(r.check_name, r.status, r.message) for r in results]
        for results in latest_check_results(revision).values()
    }


def test_submitting_runs_the_checks_and_stores_a_result_per_criterion(
    journey, django_capture_on_commit_callbacks
):
    test_log(journey)

    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(submission=journey.submission, by=journey.admin, revision_number=1)

    revision = journey.revision
    run = CheckRun.objects.get(revision=revision)
    assert (run.code_body.code, run.status, run.trigger, run.attempts) == (
        "BSC",
        CheckRunStatus.COMPLETE,
        "submitted",
        1,
    )
    assert [(v["code_body"], v["version"]) for v in run.criteria_versions] == [("BSC", "99.0")]
    assert (run.criteria_checked, run.criteria_not_applicable, run.files_read) == (4, 0, 1)
    assert run.counts == {"pass": 6, "warning": 0, "fail": 0, "not_applicable": 0, "error": 0}
    assert run.check_counts == {
        "dates_in_order": 2,
        "evidence_scan_clean": 1,
        "required_answers_present": 2,
        "test_results_summary": 1,
    }
    assert set(run.check_timings) == set(run.check_counts)
    assert run.duration_ms is not None and run.finished_at >= run.started_at
    submitted = day(timezone.localdate(revision.submitted_at))
    assert results_of(revision) == {
        "J-3-01": [
            (
                "required_answers_present",
                "pass",
                "Every required question is answered: 3.1, 3.2, 3.3.",
            )
        ],
        "J-4-01": [
            ("required_answers_present", "pass", "Every required question is answered: 4.1, 4.2."),
            (
                "dates_in_order",
                "pass",
                "Dates are in order: 4.2 (30 May 2025) is not before 4.1 (1 Mar 2025); "
                f"4.2 (30 May 2025) is not after submission on {submitted}.",
            ),
        ],
        "J-4-02": [
            (
                "dates_in_order",
                "pass",
                f"Dates are in order: every due date in 4.4 (1 row) is after submission on "
                f"{submitted}.",
            )
        ],
        "J-4-03": [
            (
                "test_results_summary",
                "pass",
                "“PIT execution log”: all 12 test cases passed (pass rate 100%, threshold 90%).",
            ),
            (
                "evidence_scan_clean",
                "pass",
                "The file is clean: “PIT execution log”.",
            ),
        ],
    }
    first = latest_check_results(revision)
    refs = [r.refs for results in first.values() for r in results]
    assert refs[0] == {"questions": ["3.1", "3.2", "3.3"], "evidence": []}


def test_running_twice_gives_one_set_of_results(journey):
    revision = submit(journey)

    first = checks_run(revision=revision, code_body=bsc(), trigger="submitted")
    second = checks_run(revision=revision, code_body=bsc(), trigger="sweep")
    run_checks(revision_id=revision.pk, code_body_id=bsc().pk, trigger="sweep")

    assert CheckRun.objects.filter(revision=revision).count() == 1
    assert first.pk == second.pk
    second.refresh_from_db()
    assert (second.status, second.attempts, second.trigger) == (
        CheckRunStatus.COMPLETE,
        1,
        "submitted",
    )
    assert CheckResult.objects.filter(run=first).count() == 6
    assert CheckResult.objects.count() == 6


def test_a_draft_revision_is_not_checked(journey):
    assert checks_run(revision=journey.revision, code_body=bsc()) is None
    assert run_checks(revision_id=journey.revision.pk) == "not submitted"
    assert run_checks(revision_id=journey.revision.pk, code_body_id=bsc().pk) == "not submitted"
    assert not CheckRun.objects.exists()


def test_a_malformed_csv_gives_an_error_for_its_criterion_only(journey):
    test_log(journey, b'Test case ID,Result\nTC-001,"Passed"x\n')
    revision = submit(journey)

    run = checks_run(revision=revision, code_body=bsc())

    assert run.status == CheckRunStatus.COMPLETE
    assert run.counts["error"] == 1 and run.counts["pass"] == 5
    found = results_of(revision)
    assert found["J-4-03"][0] == (
        "test_results_summary",
        "error",
        "“PIT execution log” is not valid CSV (line 2): ',' expected after '\"', so it could "
        "not be summarised.",
    )
    assert found["J-4-03"][1][1] == "pass", "the next check of the same criterion still ran"
    assert [r[1] for r in found["J-3-01"] + found["J-4-01"] + found["J-4-02"]] == ["pass"] * 4


@pytest.fixture
def exploding_check():
    @register("explodes", summary="A check with a bug, for this test.")
    def explodes(ctx, criterion, params):
        raise RuntimeError("the disk caught fire")

    yield "explodes"
    unregister("explodes")


def test_a_check_that_crashes_is_isolated_and_the_run_completes(db, exploding_check):
    load_journey_template(criteria=False)
    document = journey_criteria_doc()
    document["criteria"].insert(
        1,
        {
            "ref": "J-3-99",
            "title": "A criterion whose check has a bug",
            "looks_for": "Nothing.",
            "questions": ["3.1"],
            "checks": [exploding_check, "required_answers_present"],
        },
    )
    load_criteria(document)
    participant = Participant()
    fill(participant, ANSWERS)
    revision = submit(participant)

    run = checks_run(revision=revision, code_body=bsc())

    assert run.status == CheckRunStatus.COMPLETE
    found = results_of(revision)
    assert found["J-3-99"] == [
        (
            "explodes",
            "error",
            "The check stopped with an unexpected error (RuntimeError: the disk caught fire); the "
            "other checks ran. The portal team can see the details in the worker log.",
        ),
        ("required_answers_present", "pass", "Every required question is answered: 3.1."),
    ]
    assert list(found) == ["J-3-01", "J-3-99", "J-4-01", "J-4-02", "J-4-03"]
    assert run.counts["error"] == 1


def test_a_run_left_half_done_by_a_killed_worker_is_never_shown_and_the_retry_finishes_it(
    journey,
):
    revision = submit(journey)
    plan = check_plan(revision, bsc())
    # What a worker killed mid-run leaves behind: the run claimed, no results written.
    CheckRun.objects.create(
        revision=revision,
        code_body=plan.code_body,
        criteria_fingerprint=plan.criteria_fingerprint,
        inputs_fingerprint=plan.inputs_fingerprint,
        trigger="submitted",
    )

    assert latest_check_results(revision) == {}
    summary = check_summary(revision)
    assert (summary.checked, summary.running) == (False, True)

    run_checks(revision_id=revision.pk, code_body_id=bsc().pk, trigger="retry")

    run = CheckRun.objects.get(revision=revision)
    assert (run.status, run.attempts) == (CheckRunStatus.COMPLETE, 2)
    assert CheckResult.objects.filter(run=run).count() == 6
    summary = check_summary(revision)
    assert (summary.checked, summary.running, summary.counts["pass"]) == (True, False, 4)


def test_a_file_that_finishes_its_scan_runs_the_checks_again(
    journey, django_capture_on_commit_callbacks, settings
):
    settings.CLAMAV_URL = ""  # the outcome without a malware scanner; CI also has clamd
    item = test_log(journey, scan_state=ScanState.PENDING, malware_state="")
    revision = submit(journey)
    checks_run(revision=revision, code_body=bsc(), trigger="submitted")
    assert results_of(revision)["J-4-03"][1] == (
        "evidence_scan_clean",
        "warning",
        "1 of 1 file is not confirmed clean yet: “PIT execution log” is still being checked.",
    )

    with django_capture_on_commit_callbacks(execute=True):
        scan_stored_file(stored_file_id=item.stored_file_id)

    item.stored_file.refresh_from_db()
    assert item.stored_file.scan_state == ScanState.CLEAN
    runs = CheckRun.objects.filter(revision=revision).order_by("pk")
    assert [r.trigger for r in runs] == ["submitted", "evidence_scanned"]
    assert all(r.status == CheckRunStatus.COMPLETE for r in runs)
    assert results_of(revision)["J-4-03"] == [
        (
            "test_results_summary",
            "pass",
            "“PIT execution log”: all 12 test cases passed (pass rate 100%, threshold 90%).",
        ),
        (
            "evidence_scan_clean",
            "warning",
            "1 of 1 file is not confirmed clean yet: “PIT execution log” was not scanned for "
            "malware (no scanner was configured).",
        ),
    ]
    assert CheckResult.objects.filter(run=runs[0]).count() == 6, "the earlier run is kept"


def test_signing_runs_the_checks_again(journey, django_capture_on_commit_callbacks):
    as_final(journey)
    revision = submit(journey)
    checks_run(revision=revision, code_body=bsc(), trigger="submitted")

    with django_capture_on_commit_callbacks(execute=True):
        agree_and_sign(journey)

    triggers = CheckRun.objects.filter(revision=revision).order_by("pk")
    assert list(triggers.values_list("trigger", flat=True)) == ["submitted", "signed"]


def test_only_the_code_bodies_approving_the_roles_and_questions_that_apply_count(
    shipped_versions,
):
    metering = Participant("Meterline Metering Services Ltd", role_codes=("MSA",))
    revision = submit(metering)

    runs = checks_run_all(revision=revision)

    assert [(r.code_body.code, r.criteria_versions[0]["version"]) for r in runs] == [
        ("REC", "2.0"),
        ("DIP", "1.1"),
    ]
    assert checks_run(revision=revision, code_body=bsc()) is None, "the BSC approves no MSA"
    refs = {results[0].criterion.ref for results in latest_check_results(revision).values()}
    assert "REC-7.1-01" in refs and "DIP-7.1-01" in refs
    assert not any(ref.startswith("BSC-") for ref in refs)
    assert "REC-5.2-01" not in refs, "Supplier questions do not apply to a Metering Service"
    assert sum(r.criteria_checked for r in runs) == len(refs)
    assert [r.criteria_checked + r.criteria_not_applicable for r in runs] == [29, 11]
    rec, dip = runs
    assert {r.criterion.ref[:3] for r in CheckResult.objects.filter(run=rec)} == {"REC"}
    assert {r.criterion.ref[:3] for r in CheckResult.objects.filter(run=dip)} == {"DIP"}


def test_submitting_sends_one_task_per_code_body_each_checking_its_own_criteria(
    shipped_versions, django_capture_on_commit_callbacks
):
    from qualification.models import OutboxMessage

    supplier = Participant("Harbour Energy Ltd", role_codes=("SUP", "MSA"))
    revision = submit(supplier)

    # What submitting does once the submission commits (test_submitting_runs_the_checks...).
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_for_revision(revision)

    sent = OutboxMessage.objects.filter(task_name="qad.assessment.run_checks")
    bodies = {b.pk: b.code for b in CodeBody.objects.all()}
    assert sorted(bodies[m.kwargs["code_body_id"]] for m in sent) == ["BSC", "DIP", "REC"]
    runs = CheckRun.objects.filter(revision=supplier.revision).select_related("code_body")
    assert sorted((r.code_body.code, r.trigger, r.status) for r in runs) == [
        ("BSC", "submitted", CheckRunStatus.COMPLETE),
        ("DIP", "submitted", CheckRunStatus.COMPLETE),
        ("REC", "submitted", CheckRunStatus.COMPLETE),
    ]
    for run in runs:
        codes = {r.criterion.criteria_set.code_body.code for r in run.results.all()}
        assert codes == {run.code_body.code}
        assert run.counts == {s: run.results.filter(status=s).count() for s in CheckStatus.values}
    bsc_summary = check_summaries([supplier.revision.pk], code_body=bsc())[supplier.revision.pk]
    bsc_run = runs.get(code_body__code="BSC")
    assert bsc_summary.counts == bsc_run.counts, "a Code Body's queue counts its own run"
    everyone = check_summaries([supplier.revision.pk])[supplier.revision.pk]
    assert everyone.counts == {s: sum(r.counts[s] for r in runs) for s in CheckStatus.values}


def test_one_code_body_s_run_does_not_wait_for_or_change_another_s(shipped_versions):
    supplier = Participant("Harbour Energy Ltd")
    revision = submit(supplier)
    rec = code_body("REC")

    bsc_run = checks_run(revision=revision, code_body=bsc())

    assert latest_check_results(revision, rec) == {}, "REC's checks have not run yet"
    assert set(latest_check_results(revision)) == set(latest_check_results(revision, bsc()))
    summary = check_summaries([revision.pk], code_body=rec)[revision.pk]
    assert (summary.checked, summary.running) == (False, False)
    rec_run = checks_run(revision=revision, code_body=rec)
    assert rec_run.pk != bsc_run.pk
    assert checks_run(revision=revision, code_body=bsc()).pk == bsc_run.pk
    assert CheckRun.objects.filter(revision=revision).count() == 2


def test_a_file_several_criteria_read_is_read_once_per_run(supplier):
    log = attach(
        supplier,
        "4.1.5",
        execution_log(passing_log(8)),
        name="log.csv",
        title="Shared execution log",
        evidence_type="test_execution_log",
    )
    attach(supplier, "4.2.4", b"", name="", evidence_type="", item=log)
    revision = submit(supplier)

    runs = checks_run_all(revision=revision)

    readers = [
        results[0].criterion.ref
        for results in latest_check_results(revision).values()
        for result in results
        if result.check_name == "test_results_summary"
        and str(log.public_id) in result.refs["evidence"]
    ]
    assert readers == ["BSC-4.1-02", "BSC-4.2-01", "REC-4.1-02", "REC-4.2-01"]
    assert {r.code_body.code: r.files_read for r in runs} == {"BSC": 1, "REC": 1, "DIP": 0}


def test_the_sweep_sends_missing_and_stale_runs_only(journey, django_capture_on_commit_callbacks):
    item = test_log(journey)
    revision = submit(journey)

    with django_capture_on_commit_callbacks(execute=True):
        assert checks_sweep() == 1, "never checked"
    assert CheckRun.objects.get(revision=revision).trigger == "sweep"
    with django_capture_on_commit_callbacks(execute=True):
        assert checks_sweep() == 0, "checked, and nothing changed"

    # What the checks read changed without anyone sending the checks (a lost message).
    StoredFile.objects.filter(pk=item.stored_file_id).update(malware_state=MalwareState.NOT_SCANNED)
    with django_capture_on_commit_callbacks(execute=True):
        assert checks_sweep() == 1, "stale"
    assert results_of(revision)["J-4-03"][1][1] == "warning"

    # ... and changed back: the first run's results are current again, and are shown.
    StoredFile.objects.filter(pk=item.stored_file_id).update(malware_state=MalwareState.CLEAN)
    with django_capture_on_commit_callbacks(execute=True):
        assert checks_sweep() == 1
    assert CheckRun.objects.count() == 2
    assert results_of(revision)["J-4-03"][1][1] == "pass"

    StoredFile.objects.filter(pk=item.stored_file_id).update(
        scan_state=ScanState.NEEDS_ATTENTION, findings_total=1
    )
    plan = check_plan(revision, bsc())
    CheckRun.objects.create(
        revision=revision,
        code_body=plan.code_body,
        criteria_fingerprint=plan.criteria_fingerprint,
        inputs_fingerprint=plan.inputs_fingerprint,
        started_at=timezone.now() - dt.timedelta(minutes=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert checks_sweep() == 0, "a run started two minutes ago is still under way"
    CheckRun.objects.filter(status=CheckRunStatus.RUNNING).update(
        started_at=timezone.now() - dt.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert checks_sweep() == 1, "a run left running for an hour lost its worker"
    assert CheckRun.objects.filter(status=CheckRunStatus.COMPLETE).count() == 3
    assert results_of(revision)["J-4-03"][1][1] == "fail"


def test_queue_summaries_count_results_by_status(journey):
    first = submit(journey)
    checks_run(revision=first, code_body=bsc())
    other = Participant("Brightwatt Data Services Ltd")
    fill(other, {**ANSWERS, "4.4": [{"reference": "DEF-9", "due": "2024-01-01"}]})
    second = submit(other)
    checks_run(revision=second, code_body=bsc())

    summaries = check_summaries([first.pk, second.pk])

    assert summaries[first.pk].counts == {
        "pass": 4,
        "warning": 0,
        "fail": 0,
        "not_applicable": 2,
        "error": 0,
    }
    assert summaries[second.pk].counts["fail"] == 1
    assert summaries[second.pk].needs_attention == 1
    assert summaries[first.pk].counts[CheckStatus.NOT_APPLICABLE] == 2


def test_the_queue_and_the_review_screen_show_the_check_results(
    client, journey, django_capture_on_commit_callbacks
):
    from assessment.models import Review
    from tests.qualification.factories import CodeBodyMemberFactory, code_body

    test_log(journey, content=execution_log([*passing_log(30), ("TC-031", "Failed")]))
    with django_capture_on_commit_callbacks(execute=True):
        submission_submit(submission=journey.submission, by=journey.admin, revision_number=1)
    lead = CodeBodyMemberFactory(code_body=code_body("BSC"), role="lead_assessor").user
    client.force_login(lead)

    queue = client.get(reverse("review-queue", args=["BSC"])).content.decode()
    assert '<span class="check-pass">5 pass</span>' in queue
    assert '<span class="check-warning">1 warning</span>' in queue
    assert queue.index("1 warning") < queue.index("5 pass"), "what needs a look comes first"

    review = Review.objects.get(submission=journey.submission, code_body__code="BSC")
    screen = client.get(reverse("review-detail", args=[review.public_id])).content.decode()
    assert "Automated checks" in screen
    found = CheckResult.objects.get(check_name="test_results_summary")
    assert found.status == "warning" and found.message in screen
    assert screen.count("Automated checks") == 4, "one list per BSC criterion with checks"


def test_a_database_outage_is_tried_again_later_and_later(monkeypatch, journey):
    from django.db import OperationalError

    from assessment import tasks

    def unreachable(**kwargs):
        raise OperationalError("could not connect to server")

    waits = []

    class Retry(Exception):
        pass

    def retry(*, exc, countdown):
        waits.append(countdown)
        return Retry()

    revision = submit(journey)
    monkeypatch.setattr(tasks, "checks_run", unreachable)
    monkeypatch.setattr(tasks.run_checks, "retry", retry)
    for attempt in range(3):
        tasks.run_checks.push_request(retries=attempt, is_eager=False)
        try:
            with pytest.raises(Retry):
                tasks.run_checks.run(revision_id=revision.pk, code_body_id=bsc().pk)
        finally:
            tasks.run_checks.pop_request()
    assert waits == [30, 60, 120]
