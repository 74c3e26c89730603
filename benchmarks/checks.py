"""The automated checks on one submission against the shipped criteria of all three Code
Bodies, with 200 evidence files: the time of a full run, of a run whose inputs have not
changed (a no-op), and of each check (all criteria together).

A Supplier in Qualification Testing that places reliance and asks for the Smart Meter
Segment exemption, so that nearly every section applies. The files are real: 40 CSV test
execution logs of 200 test cases each, one Excel RTTM covering every requirement, Excel
defect logs and training records, and PDFs with a creation date, all stored in a temporary
evidence folder.

Alone, on a throwaway SQLite database:  .venv/bin/python -m benchmarks.checks
With `make bench`: add `checks` to the modules `benchmarks/__main__.py` runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict

from benchmarks.report import Row

FILES = 200
LOGS = 40
CASES_PER_LOG = 200


def run(*, files: int = FILES, runs: int = 5) -> list[Row]:
    from django.core.management import call_command
    from django.test.utils import override_settings

    from demo.world import ensure_versions

    call_command("migrate", verbosity=0)
    ensure_versions()
    with (
        tempfile.TemporaryDirectory(prefix="qad-checks-bench-") as media,
        override_settings(MEDIA_ROOT=media),
    ):
        revision = _submission(files)
        return _measure(revision, runs=runs, files=files)


def _measure(revision, *, runs: int, files: int) -> list[Row]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessment.models import CheckRun
    from assessment.services.checks import check_plans, checks_run, checks_run_all

    bodies = [plan.code_body for plan in check_plans(revision)]
    totals: list[float] = []
    per_body: dict[str, list[float]] = defaultdict(list)
    per_check: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, int] = {}
    done = {}
    for attempt in range(runs + 1):  # the first run warms up
        CheckRun.objects.filter(revision=revision).delete()
        elapsed = 0.0
        this_attempt: dict[str, float] = defaultdict(float)
        for code_body in bodies:  # what the tasks sent on submission do, one after another
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                done[code_body.code] = checks_run(
                    revision=revision, code_body=code_body, trigger="benchmark"
                )
                ms = (time.perf_counter() - started) * 1000
            elapsed += ms
            if attempt == 0:
                queries[code_body.code] = len(captured.captured_queries)
                continue
            per_body[code_body.code].append(ms)
            for name, check_ms in done[code_body.code].check_timings.items():
                this_attempt[name] += check_ms
        if attempt:
            totals.append(elapsed)
            for name, check_ms in this_attempt.items():
                per_check[name].append(check_ms)
    noop = []
    for _ in range(runs):
        started = time.perf_counter()
        checks_run_all(revision=revision, trigger="benchmark")
        noop.append((time.perf_counter() - started) * 1000)
    all_runs = list(done.values())
    criteria = sum(r.criteria_checked for r in all_runs)
    results = sum(r.results.count() for r in all_runs)
    check_counts: dict[str, int] = defaultdict(int)
    for r in all_runs:
        for name, n in r.check_counts.items():
            check_counts[name] += n
    rows = [
        _row(
            f"checks: {len(bodies)} Code Bodies' runs, {files} files",
            totals,
            sum(queries.values()),
            f"{criteria} criteria, {results} results; one task per Code Body, "
            "here one after another",
        )
    ]
    for code, run in done.items():
        outcome = ", ".join(f"{status} {n}" for status, n in run.counts.items() if n)
        rows.append(
            _row(
                f"  {code} run",
                per_body[code],
                queries[code],
                f"{run.criteria_checked} criteria ({outcome}); {run.files_read} of {files} "
                "files read (those its checks need), each once",
            )
        )
    rows.append(
        _row("checks: run again, same inputs (no-op)", noop, None, "finds the complete runs")
    )
    for name in sorted(per_check, key=lambda n: -statistics.median(per_check[n])):
        rows.append(
            _row(
                f"  check: {name}",
                per_check[name],
                None,
                f"{check_counts[name]} criteria per submission, all Code Bodies",
            )
        )
    return rows


def _row(name: str, timings: list[float], queries: int | None, note: str) -> Row:
    timings = sorted(timings)
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return Row(name, len(timings), statistics.median(timings), p95, queries, note)


# ---------------------------------------------------------------- the submission


def _submission(files: int):
    from qad.enums import SubmissionStage, SubmissionState
    from qad.models import QadTemplate
    from qad.services.submissions import submission_start, submission_transition
    from qualification.enums import MembershipRole, Route
    from qualification.models import MarketRole, Membership, Mpid, Organisation, User
    from qualification.services import qualification_start

    suffix = hashlib.sha256(str(time.time_ns()).encode()).hexdigest()[:6]
    organisation = Organisation.objects.create(
        legal_name=f"Benchmark Energy {suffix} Ltd",
        company_number=f"BE{int(suffix, 16) % 10**6:06d}",
    )
    role = MarketRole.objects.get(code="SUP")
    mpid = Mpid.objects.create(
        organisation=organisation, market_role=role, code=f"B{suffix[:3].upper()}"
    )
    user = User.objects.create_user(
        f"bench-{suffix}@bench.example", "bench-password-123", full_name="Bench Admin"
    )
    Membership.objects.create(user=user, organisation=organisation, role=MembershipRole.ORG_ADMIN)
    qualification = qualification_start(
        organisation=organisation,
        route=Route.QT,
        roles=[(role, mpid)],
        created_by=user,
        places_reliance=True,
        sms_exemption_requested=True,
    )
    submission = submission_start(
        qualification=qualification,
        stage=SubmissionStage.INITIAL,
        template=QadTemplate.objects.get(document_code="QAD", version="3.01"),
    )
    revision = submission.revisions.get()
    _answer_everything(revision, user)
    _attach_evidence(revision, organisation, submission, user, files)
    submission_transition(submission=submission, target=SubmissionState.SUBMITTED, actor=user)
    revision.refresh_from_db()
    return revision


def _value(question, position: int):
    base = dt.date(2025, 1, 6) + dt.timedelta(days=position)
    kind = question.answer_type
    if kind == "free_text":
        text = f"Documented in our operating manual, section {position}."
        return text[: question.options.get("max_length", 10_000)]
    if kind == "yes_no":
        return True
    if kind == "date":
        return base.isoformat()
    if kind == "single_choice":
        return question.options["choices"][0]["value"]
    if kind == "number":
        return question.options.get("min") or 1
    if kind == "table":
        cells = {"text": "Item", "date": "2027-06-30", "number": 1, "yes_no": True}
        return [{c["key"]: cells[c["type"]] for c in question.options["columns"]}] * max(
            1, question.options.get("min_rows", 1)
        )
    return None


def _answer_everything(revision, user) -> None:
    from qad.answers import clean_answer_value
    from qad.models import Answer

    answers = list(revision.answers.select_related("question").order_by("question__position"))
    for position, answer in enumerate(answers):
        answer.value = clean_answer_value(answer.question, _value(answer.question, position))
        answer.updated_by = user
    Answer.objects.bulk_update(answers, ["value", "updated_by"])


def _attach_evidence(revision, organisation, submission, user, files: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evidence.enums import MalwareState, ScanState
    from evidence.models import EvidenceItem, EvidenceLink, StoredFile
    from evidence.storage import store

    questions = {
        a.question.ref: a.question
        for a in revision.answers.select_related("question").order_by("question__position")
    }
    slots = [(ref, e["type"]) for ref, q in questions.items() for e in q.evidence]
    logs = [ref for ref, kind in slots if kind == "test_execution_log"]
    others = [(ref, kind) for ref, kind in slots if kind not in ("test_execution_log", "rttm")]
    requirements = list(dict.fromkeys(r for q in questions.values() for r in q.requirements))
    plan = [("4.4.3", "rttm", "rttm.xlsx", _rttm(requirements))]
    for n in range(LOGS):
        plan.append((logs[n % len(logs)], "test_execution_log", f"log-{n}.csv", _log(n)))
    for n in range(files - len(plan)):
        ref, kind = others[n % len(others)]
        if kind in ("defect_log", "training_record"):
            plan.append((ref, kind, f"{kind}-{n}.xlsx", _workbook(n)))
        else:
            plan.append((ref, kind, f"{kind}-{n}.pdf", _pdf(n)))
    for ref, kind, name, content in plan:
        sha256 = hashlib.sha256(content).hexdigest()
        stored = StoredFile.objects.create(
            sha256=sha256,
            size=len(content),
            storage_name=store(SimpleUploadedFile(name, content), sha256=sha256),
            content_type=_content_type(name),
            scan_state=ScanState.CLEAN,
            malware_state=MalwareState.CLEAN,
        )
        item = EvidenceItem.objects.create(
            organisation=organisation,
            submission=submission,
            stored_file=stored,
            title=name.rsplit(".", 1)[0].replace("-", " ").replace("_", " ").capitalize(),
            evidence_type=kind,
            original_name=name,
            uploaded_by=user,
        )
        EvidenceLink.objects.create(
            revision=revision, question=questions[ref], item=item, linked_by=user
        )


def _content_type(name: str) -> str:
    return {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf",
    }[name.rsplit(".", 1)[-1]]


def _log(n: int) -> bytes:
    lines = ["Test Case ID,Test scenario,Result,Executed on"]
    for case in range(1, CASES_PER_LOG + 1):
        result = "Failed" if (case + n) % 97 == 0 else "Passed"
        lines.append(
            f"TC-{n:02d}-{case:04d},SC-{case % 20:02d},{result},2025-05-{1 + case % 28:02d}"
        )
    return ("\r\n".join(lines) + "\r\n").encode()


def _rttm(requirements: list[str]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "RTTM"
    sheet.append(["MHHS RTTM — Supplier"])
    sheet.append([])
    sheet.append(["Requirement Reference", "Scenario", "Test Case", "Result", "Evidence Reference"])
    for n, requirement in enumerate(requirements, start=1):
        for case in range(3):
            sheet.append(
                [requirement, f"SC-{n:03d}", f"TC-{n:03d}-{case}", "Passed", f"QT exit p.{n}"]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _workbook(n: int) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Reference", "Severity", "Status", "Owner"])
    for row in range(20):
        sheet.append([f"DEF-{n}-{row}", 1 + row % 4, "Open" if row % 3 else "Closed", "QA lead"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _pdf(n: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    created = dt.datetime.now(dt.UTC) - dt.timedelta(days=n % 28)  # within every window
    writer.add_metadata({"/Title": f"Evidence {n}", "/CreationDate": f"D:{created:%Y%m%d%H%M%S}Z"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def main() -> int:
    workdir = tempfile.mkdtemp(prefix="qad-bench-")
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3"
    )
    os.environ.pop("REDIS_URL", None)  # in-process: we time our own code, not the broker
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from benchmarks.report import print_table

    print_table(run(), database=os.environ["DATABASE_URL"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
