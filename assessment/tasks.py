"""Background work on assessments: thin wrappers that fetch by id and call a service."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from assessment.services.checks import checks_run, checks_sweep
from qad.models import Revision

RETRY_SECONDS = 30  # a database that cannot be reached: 30 s, then 60, 120, ... (backoff)
LOST_WORKER_RETRY_SECONDS = 5  # a worker killed mid-run (OOM, deploy): soon, elsewhere


@shared_task(
    name="qad.assessment.run_checks",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    retry_on_worker_lost=True,
    max_retries=5,
    default_retry_delay=LOST_WORKER_RETRY_SECONDS,
)
def run_checks(self, *, revision_id: int, trigger: str = "", request_key: str = "") -> str:
    """Run the automated checks on a submitted revision. Safe to run twice: the same inputs
    are checked once (a portal admin's forced re-run: once per `request_key`). A worker
    killed mid-run leaves the message unacknowledged, and it is delivered again as a retry;
    a database that cannot be reached is tried again later."""
    revision = Revision.objects.filter(pk=revision_id).first()
    if revision is None:
        return "no such revision"
    try:
        run = checks_run(revision=revision, trigger=trigger, request_key=request_key)
    except DatabaseError as exc:
        if self.request.is_eager:
            raise
        countdown = RETRY_SECONDS * 2**self.request.retries
        raise self.retry(exc=exc, countdown=countdown) from exc
    if run is None:
        return "not submitted"
    counts = ", ".join(f"{status} {n}" for status, n in run.counts.items() if n)
    return f"run {run.pk} {run.status}: {counts or 'no checks'}"


@shared_task(name="qad.assessment.sweep_checks")
def sweep_checks() -> int:
    """The sweep: submitted revisions whose check results are missing or stale."""
    return checks_sweep()
