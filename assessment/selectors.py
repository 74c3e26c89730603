"""Reads of the automated check results, for the assessor's review screen and queue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from assessment.enums import CheckRunStatus, CheckStatus
from assessment.models import CheckResult, CheckRun
from qad.models import Revision


def latest_check_run(revision: Revision) -> CheckRun | None:
    """The revision's current complete run: the one whose inputs were most recently found
    to match the revision. Runs still under way are never shown."""
    return (
        CheckRun.objects.filter(revision=revision, status=CheckRunStatus.COMPLETE)
        .order_by("-confirmed_at", "-pk")
        .first()
    )


def latest_check_results(revision: Revision) -> dict[int, list[CheckResult]]:
    """{criterion id: its results, in the order the criterion names its checks}, from the
    latest complete run; empty when no run has completed."""
    run = latest_check_run(revision)
    if run is None:
        return {}
    results = (
        CheckResult.objects.filter(run=run)
        .select_related("criterion__criteria_set__code_body")
        .order_by(
            "criterion__criteria_set__code_body__position",
            "criterion__position",
            "position",
        )
    )
    grouped: dict[int, list[CheckResult]] = {}
    for result in results:
        grouped.setdefault(result.criterion_id, []).append(result)
    return grouped


@dataclass(frozen=True)
class CheckSummary:
    """What a queue row shows: counts by status from the latest complete run."""

    run: CheckRun | None
    counts: dict[str, int] = field(default_factory=dict)
    running: bool = False  # a newer run is under way

    @property
    def checked(self) -> bool:
        return self.run is not None

    @property
    def needs_attention(self) -> int:
        return sum(self.counts.get(s, 0) for s in (CheckStatus.FAIL, CheckStatus.ERROR))


def check_summaries(revision_ids: Iterable[int]) -> dict[int, CheckSummary]:
    """{revision id: CheckSummary} for many revisions in one query (a queue page)."""
    ids = list(revision_ids)
    runs: dict[int, list[CheckRun]] = {revision_id: [] for revision_id in ids}
    for run in CheckRun.objects.filter(revision_id__in=ids).order_by("revision_id", "-pk"):
        runs[run.revision_id].append(run)
    summaries = {}
    for revision_id, found in runs.items():
        complete = [r for r in found if r.status == CheckRunStatus.COMPLETE]
        latest = max(complete, key=lambda r: (r.confirmed_at, r.pk), default=None)
        running = any(
            r.status == CheckRunStatus.RUNNING
            and (latest is None or r.started_at > latest.confirmed_at)
            for r in found
        )
        counts = {s: latest.counts.get(s, 0) for s in CheckStatus.values} if latest else {}
        summaries[revision_id] = CheckSummary(latest, counts, running)
    return summaries


def check_summary(revision: Revision) -> CheckSummary:
    return check_summaries([revision.pk])[revision.pk]
