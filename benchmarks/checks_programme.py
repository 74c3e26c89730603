"""The automated checks of 200 submitted QADs of the full template, one after another in one
process, as one worker with a concurrency of one runs them: submissions per second, and the
SQL queries of each submission beside its number of answered questions, which shows whether
the queries grow with the questions (an N+1) or stay fixed.

The submissions come from the programme-sized data set (`demo.scale`): each
organisation's latest submitted revision, with its answers and evidence links (real small
files from the evidence pool, so the checks that read files read them).

Alone, on a throwaway SQLite database:  .venv/bin/python -m benchmarks.checks_programme
On PostgreSQL: BENCH_DATABASE_URL=postgres://.../fresh_db .venv/bin/python -m benchmarks
with BENCH_ONLY=programme-checks.
"""

from __future__ import annotations

import statistics
import tempfile
import time

from benchmarks.report import Row

SUBMISSIONS = 200
# The scale data set leaves about one organisation in six with a draft only.
ORGANISATIONS = 250
EVIDENCE_PER_ORGANISATION = 40


def run(*, submissions: int = SUBMISSIONS) -> list[Row]:
    from django.core.management import call_command
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    with (
        tempfile.TemporaryDirectory(prefix="qad-checks-programme-") as media,
        override_settings(MEDIA_ROOT=media),
    ):
        revisions = _submitted_revisions(submissions)
        return [_measure(revisions)]


def _submitted_revisions(wanted: int) -> list:
    from django.db.models import Count

    from demo.scale import NAME_PREFIX, scale_load
    from qad.models import Revision

    if not Revision.objects.filter(
        submission__qualification__organisation__legal_name__startswith=NAME_PREFIX
    ).exists():
        scale_load(
            organisations=ORGANISATIONS,
            password="bench-checks-password",
            check_runs=False,
            evidence=EVIDENCE_PER_ORGANISATION,
        )
    latest = {}
    submitted = (
        Revision.objects.filter(
            submitted_at__isnull=False,
            submission__qualification__organisation__legal_name__startswith=NAME_PREFIX,
        )
        .annotate(questions=Count("answers"))
        .order_by("submission__qualification__organisation_id", "-submitted_at")
    )
    for revision in submitted:
        latest.setdefault(revision.submission.qualification.organisation_id, revision)
    found = list(latest.values())[:wanted]
    if len(found) < wanted:
        raise RuntimeError(f"the data set holds {len(found)} submitted QADs, not {wanted}")
    return found


def _measure(revisions: list) -> Row:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assessment.models import CheckRun
    from assessment.services.checks import applicable_criteria_sets
    from assessment.tasks import run_checks

    CheckRun.objects.filter(revision__in=revisions).delete()
    # The tasks submitting sends: one per Code Body whose criteria apply (worked out in the
    # submitting request, not by the worker).
    tasks = [(r, [s.code_body_id for s in applicable_criteria_sets(r)]) for r in revisions]
    timings, queries, per_task = [], [], []
    began = time.perf_counter()
    for revision, code_body_ids in tasks:
        connection.queries_log.clear()  # it keeps 9,000 queries: count from empty each time
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            for code_body_id in code_body_ids:
                before = len(captured.captured_queries)
                run_checks.apply(
                    kwargs={
                        "revision_id": revision.pk,
                        "code_body_id": code_body_id,
                        "trigger": "benchmark",
                    }
                ).get()
                per_task.append(len(captured.captured_queries) - before)
            timings.append((time.perf_counter() - started) * 1000)
        queries.append(len(captured.captured_queries))
    elapsed = time.perf_counter() - began
    sizes: dict[int, list[int]] = {}
    grouped = per_submission(per_task, tasks)
    for (revision, _bodies), counts in zip(tasks, grouped, strict=True):
        for task_queries in counts:
            sizes.setdefault(task_queries, []).append(revision.questions)
    spread = "; ".join(
        f"{count} queries a task for {min(q)} to {max(q)} answered questions"
        for count, q in sorted(sizes.items())
    )
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return Row(
        f"checks: {len(revisions)} submissions, one worker",
        len(revisions),
        statistics.median(timings),
        p95,
        round(statistics.median(per_task)),
        f"{len(revisions) / elapsed:.1f} submissions/s ({len(per_task)} tasks, one per Code "
        f"Body; {round(statistics.median(queries))} queries a submission); {spread}",
    )


def per_submission(per_task: list[int], tasks: list) -> list[list[int]]:
    """The tasks' query counts, grouped by the submission they checked."""
    grouped, start = [], 0
    for _revision, code_body_ids in tasks:
        grouped.append(per_task[start : start + len(code_body_ids)])
        start += len(code_body_ids)
    return grouped


if __name__ == "__main__":
    import os
    import sys

    os.environ.setdefault("BENCH_ONLY", "programme-checks")
    from benchmarks.__main__ import main

    sys.exit(main())
