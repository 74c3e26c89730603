"""The QAD submission report on the full shipped QAD: every question answered, 300 evidence
files, a signature; and the BSC's assessment report of it, every criterion with an outcome
and comment.

Prints seconds per report and pages per second, our own time (queries and the template)
apart from WeasyPrint's (layout, then writing the tagged PDF), and, as the speed anchor, the
same HTML printed to PDF by headless Chromium, with the ratio.

    .venv/bin/python -m benchmarks.reports          # on its own, on a throwaway database
    from benchmarks import reports; rows += reports.run()   # beside the others
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.report import Row

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
EVIDENCE_FILES = int(os.environ.get("BENCH_REPORT_EVIDENCE", "300"))
RUNS = int(os.environ.get("BENCH_REPORT_RUNS", "3"))

_VOCABULARY = """
settlement data service registration appointment meter point half-hourly process control
exception reconciliation DIP message interface IF-021 IF-033 queue monitoring escalation
manager daily weekly report defect test case scenario evidence obfuscation requirement
migration volume performance resilience supplier agent operating manual procedure owner
review quarterly audit trail retention security certificate incident recovery backup
"""
WORDS = _VOCABULARY.split()


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraphs(rng: random.Random, low: int, high: int) -> str:
    """Prose of `low` to `high` words, in paragraphs, as participants write it."""
    total, paragraphs = rng.randint(low, high), []
    while total > 0:
        words = min(total, rng.randint(30, 70))
        sentences, left = [], words
        while left > 0:
            n = min(left, rng.randint(8, 18))
            sentences.append(_sentence(rng, n))
            left -= n
        paragraphs.append(" ".join(sentences))
        total -= words
    return "\n\n".join(paragraphs)


def _cell(rng: random.Random, column: dict, row: int):
    kind = column["type"]
    if kind == "date":
        return (dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 600))).isoformat()
    if kind == "number":
        return rng.randint(0, 500)
    if kind == "yes_no":
        return rng.random() < 0.7
    return f"{_sentence(rng, rng.randint(2, 7))[:-1]} ({row})"


def _value(rng: random.Random, question, dates: dict[str, dt.date]):
    options, kind = question.options, question.answer_type
    if kind == "free_text":
        limit = options.get("max_length", 10_000)
        return _paragraphs(rng, 40, 220)[:limit]
    if kind == "yes_no":
        return rng.random() < 0.8
    if kind == "date":
        earliest = dates.get(options.get("not_before", ""), dt.date(2025, 1, 6))
        value = earliest + dt.timedelta(days=rng.randint(7, 90))
        dates[question.ref] = value
        return value.isoformat()
    if kind == "single_choice":
        return rng.choice(options["choices"])["value"]
    if kind == "number":
        low = options.get("min", 0)
        high = options.get("max", low + 1000)
        return rng.randint(int(low), int(min(high, low + 100_000)))
    if kind == "table":
        columns = options.get("columns", [])
        rows = max(options.get("min_rows", 1), rng.randint(3, 8))
        return [{c["key"]: _cell(rng, c, n) for c in columns} for n in range(1, rows + 1)]
    return None  # evidence-only: answered by the files linked below


def build_full_revision(*, evidence_files: int = EVIDENCE_FILES, seed: int = 3):
    """A signed Final QAD on the shipped template with every one of its questions answered
    (tables too) and `evidence_files` evidence files, some relied on. Written in bulk: it is
    benchmark and test data, not a participant's journey."""
    from django.utils import timezone

    from demo.world import ensure_versions
    from evidence.enums import MalwareState, ScanState
    from evidence.models import EvidenceItem, EvidenceLink, StoredFile
    from qad.content_hash import revision_content_hash
    from qad.enums import SubmissionStage, SubmissionState
    from qad.models import Answer, QadTemplate, Question, Revision, Signature, Submission
    from qad.services.signing import declaration_for
    from qualification.enums import MembershipRole, Route, SignatoryCapacity
    from qualification.models import (
        CodeBody,
        MarketRole,
        Membership,
        Mpid,
        Organisation,
        Qualification,
        QualificationRole,
        User,
    )
    from qualification.reference_data import ensure_reference_data

    rng = random.Random(seed)
    ensure_reference_data(CodeBody, MarketRole)
    ensure_versions()
    template = QadTemplate.objects.get(document_code="QAD", version="3.01")
    number = Organisation.objects.count() + 1
    organisation = Organisation.objects.create(
        legal_name=f"Full Report Energy {number} Ltd", company_number=f"{88000000 + number:08d}"
    )
    admin = User.objects.create_user(
        f"admin{number}@full-report.example", full_name="Priya Natarajan", job_title="MHHS Lead"
    )
    director = User.objects.create_user(
        f"director{number}@full-report.example",
        full_name="Edward Pryce",
        job_title="Chief Operating Officer",
    )
    Membership.objects.create(user=admin, organisation=organisation, role=MembershipRole.ORG_ADMIN)
    Membership.objects.create(
        user=director,
        organisation=organisation,
        role=MembershipRole.SIGNATORY,
        signatory_capacity=SignatoryCapacity.DIRECTOR,
    )
    qualification = Qualification.objects.create(
        organisation=organisation, route=Route.SIT, created_by=admin
    )
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for index, code in enumerate(("SUP", "ADS", "SDS")):
        role = MarketRole.objects.get(code=code)
        mpid = Mpid.objects.create(
            organisation=organisation,
            market_role=role,
            code="F" + letters[number // 26 % 26] + letters[number % 26] + letters[index],
        )
        QualificationRole.objects.create(qualification=qualification, market_role=role, mpid=mpid)
    submission = Submission.objects.create(
        qualification=qualification,
        stage=SubmissionStage.FINAL,
        template=template,
        state=SubmissionState.SIGNED,
    )
    revision = Revision.objects.create(submission=submission, number=1)
    questions = list(Question.objects.filter(template=template).order_by("position"))
    dates: dict[str, dt.date] = {}
    Answer.objects.bulk_create(
        Answer(revision=revision, question=q, value=_value(rng, q, dates), updated_by=admin)
        for q in questions
    )
    names = list(template.evidence_types.values_list("code", flat=True))
    stored = StoredFile.objects.bulk_create(
        StoredFile(
            sha256=hashlib.sha256(f"{organisation.pk}-{n}".encode()).hexdigest(),
            size=rng.randint(2_000, 250_000_000),
            storage_name=f"bench/{organisation.pk}/{n}",
            content_type="application/pdf",
            scan_state=ScanState.CLEAN,
            malware_state=MalwareState.CLEAN,
            scanned_at=timezone.now(),
        )
        for n in range(evidence_files)
    )
    items = EvidenceItem.objects.bulk_create(
        EvidenceItem(
            organisation=organisation,
            submission=submission,
            stored_file=file,
            title=f"{_sentence(rng, rng.randint(3, 8))[:-1]} (v{n % 7 + 1})",
            evidence_type=names[n % len(names)],
            original_name=f"evidence-{n + 1:03d}.pdf",
            uploaded_by=admin,
        )
        for n, file in enumerate(stored)
    )
    links = []
    for n, item in enumerate(items):
        first = questions[n % len(questions)]
        targets = [first] + ([questions[(n * 7 + 3) % len(questions)]] if n % 4 == 0 else [])
        for question in {q.pk: q for q in targets}.values():
            relied = n % 20 == 0 and question is first
            links.append(
                EvidenceLink(
                    revision=revision,
                    question=question,
                    item=item,
                    relied_on=relied,
                    reliance_statement=_paragraphs(rng, 30, 60) if relied else "",
                    linked_by=admin,
                )
            )
    EvidenceLink.objects.bulk_create(links)
    revision.submitted_at = timezone.now()
    revision.submitted_by = admin
    revision.content_hash = revision_content_hash(revision)
    revision.completeness_stale = False
    revision.save()
    Signature.objects.create(
        submission=submission,
        revision=revision,
        signatory=director,
        signatory_name=director.full_name,
        signatory_job_title=director.job_title,
        capacity=SignatoryCapacity.DIRECTOR,
        declaration=declaration_for(submission),
        content_hash=revision.content_hash,
    )
    return revision


def chromium_html(html: str) -> str:
    """The same HTML for Chromium, with our print stylesheet inlined."""
    from assessment.reports.rendering import static_file_for

    def inline(match: re.Match) -> str:
        from assessment.reports.rendering import REPORT_ORIGIN

        path = static_file_for(REPORT_ORIGIN + match.group(1))
        return f"<style>\n{path.read_text()}\n</style>"

    return re.sub(r'<link rel="stylesheet" href="([^"]+)">', inline, html)


def chromium_print(html_path: Path, pdf_path: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--print-to-pdf={pdf_path}",
            html_path.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return time.perf_counter() - started


def build_full_review(revision, *, seed: int = 5):
    """The BSC's review of `revision`, complete: an outcome with a comment on every
    applicable criterion, and a clarification with an answer on every fifth one."""
    from django.utils import timezone

    from assessment.models import Clarification, ClarificationMessage, CriterionOutcome, Review
    from assessment.services.reviews import applicable_criteria
    from qualification.enums import CodeBodyRole
    from qualification.models import CodeBody, CodeBodyMembership, User

    rng = random.Random(seed)
    bsc = CodeBody.objects.get(code="BSC")
    number = User.objects.count() + 1
    assessor = User.objects.create_user(
        f"assessor{number}@bsc.example", full_name="Helen Carter", job_title="Lead assessor"
    )
    CodeBodyMembership.objects.create(user=assessor, code_body=bsc, role=CodeBodyRole.LEAD_ASSESSOR)
    participant = revision.submitted_by
    review = Review.objects.create(
        submission=revision.submission,
        code_body=bsc,
        state=Review.State.COMPLETE,
        assignee=assessor,
        completed_by=assessor,
        completed_at=timezone.now(),
        waiting_since=revision.submitted_at,
        reviewed_revision=revision,
    )
    criteria = applicable_criteria(review, revision)
    CriterionOutcome.objects.bulk_create(
        CriterionOutcome(
            review=review,
            criterion=criterion,
            outcome=CriterionOutcome.Outcome.MET,
            comment=_paragraphs(rng, 15, 60),
            revision=revision,
            recorded_by=assessor,
        )
        for criterion in criteria
    )
    for criterion in criteria[::5]:
        clarification = Clarification.objects.create(
            submission=revision.submission,
            question=criterion.questions.order_by("position").first(),
            code_body=bsc,
            raised_in=revision,
            raised_by=assessor,
            state=Clarification.State.ANSWERED,
            sent_at=timezone.now(),
        )
        ClarificationMessage.objects.bulk_create(
            [
                ClarificationMessage(
                    clarification=clarification,
                    author=assessor,
                    text=_paragraphs(rng, 15, 40),
                    from_code_body=True,
                ),
                ClarificationMessage(
                    clarification=clarification, author=participant, text=_paragraphs(rng, 20, 80)
                ),
            ]
        )
    return review, len(criteria)


def run_assessment(revision) -> list[Row]:
    """The BSC's assessment report of the full revision: ours, then WeasyPrint's share."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessment.enums import ReportKind
    from assessment.models import Report
    from assessment.reports.documents import report_html, review_subject_key
    from assessment.reports.rendering import render_pdf

    review, criteria = build_full_review(revision)
    report = Report(
        kind=ReportKind.ASSESSMENT, review=review, subject_key=review_subject_key(review)
    )
    ours, weasy, pages = [], [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            html = report_html(report)
        pdf = render_pdf(html.html)
        ours.append(html.seconds)
        weasy.append(pdf.weasyprint_seconds)
        pages = pdf.page_count
    total = [o + w for o, w in zip(ours, weasy, strict=True)]
    median = statistics.median
    return [
        Row(
            f"Assessment report ({criteria} criteria, outcomes and clarifications): ours",
            RUNS,
            median(ours) * 1000,
            max(ours) * 1000,
            len(captured.captured_queries),
            f"queries + template = {median(ours) / median(total):.1%} of the report",
        ),
        Row(
            "Assessment report: per report",
            RUNS,
            median(total) * 1000,
            max(total) * 1000,
            len(captured.captured_queries),
            f"{pages} pages, {pages / median(total):.1f} pages/s (no check run: files are "
            "not stored in the benchmark)",
        ),
    ]


def run() -> list[Row]:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pypdf import PdfReader

    from assessment.enums import ReportKind
    from assessment.models import Report
    from assessment.reports.documents import report_html, revision_subject_key
    from assessment.reports.rendering import render_pdf

    call_command("migrate", verbosity=0)
    revision = build_full_revision()
    report = Report(
        kind=ReportKind.QAD_SUBMISSION,
        revision=revision,
        subject_key=revision_subject_key(revision),
    )
    render_pdf(report_html(report).html)  # warm up: fonts, Pango, imports

    ours, queries, layout, write, pages = [], 0, [], [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            html = report_html(report)
        queries = len(captured.captured_queries)
        pdf = render_pdf(html.html)
        ours.append(html.seconds)
        layout.append(pdf.layout_seconds)
        write.append(pdf.write_seconds)
        pages = pdf.page_count
    total = [o + lay + w for o, lay, w in zip(ours, layout, write, strict=True)]

    work = Path(tempfile.mkdtemp(prefix="qad-report-bench-"))
    try:
        html_path = work / "report.html"
        html_path.write_text(chromium_html(html.html), encoding="utf-8")
        (work / "weasyprint.pdf").write_bytes(pdf.content)
        chromium, chromium_pages = [], None
        if Path(CHROMIUM).exists():
            chromium_print(html_path, work / "warm.pdf")  # the first start reads its profile
            for _ in range(RUNS):
                chromium.append(chromium_print(html_path, work / "chromium.pdf"))
            chromium_pages = len(PdfReader(work / "chromium.pdf").pages)
            empty = work / "empty.html"
            empty.write_text("<!doctype html><html lang=en><title>x</title><p>x</p></html>")
            startup = statistics.median(chromium_print(empty, work / "empty.pdf") for _ in range(3))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    median = statistics.median
    seconds, weasy = median(total), median(layout) + median(write)
    answers = revision.answers.count()
    files = revision.links.values("item").distinct().count()
    rows = [
        Row(
            f"QAD report, full ({answers} answers, {files} files): ours",
            RUNS,
            median(ours) * 1000,
            max(ours) * 1000,
            queries,
            f"queries + template = {median(ours) / seconds:.1%} of the report",
        ),
        Row(
            "QAD report, full: WeasyPrint layout",
            RUNS,
            median(layout) * 1000,
            max(layout) * 1000,
            None,
            f"{pages} pages",
        ),
        Row(
            "QAD report, full: WeasyPrint PDF write",
            RUNS,
            median(write) * 1000,
            max(write) * 1000,
            None,
            "tagged PDF/UA-1, fonts subset",
        ),
        Row(
            "QAD report, full: per report",
            RUNS,
            seconds * 1000,
            max(total) * 1000,
            queries,
            f"{seconds:.2f} s per report, {pages / seconds:.1f} pages/s",
        ),
    ]
    if chromium:
        anchor = median(chromium)
        rows.append(
            Row(
                "same HTML, Chromium --print-to-pdf",
                RUNS,
                anchor * 1000,
                max(chromium) * 1000,
                None,
                f"{chromium_pages} pages, {chromium_pages / anchor:.1f} pages/s, whole command "
                f"(start-up alone {startup:.2f} s); WeasyPrint/Chromium = {weasy / anchor:.2f}x, "
                f"per report/Chromium = {seconds / anchor:.2f}x",
            )
        )
    rows += run_assessment(revision)
    return rows


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="qad-bench-"))
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")

    import django

    django.setup()
    from benchmarks.report import print_table

    print_table(run(), database=os.environ["DATABASE_URL"])
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
