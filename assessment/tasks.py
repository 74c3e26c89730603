"""Background work on assessments: thin wrappers that fetch by id and call a service."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from assessment.services.checks import (
    checks_resend_lost,
    checks_run,
    checks_sweep,
    enqueue_for_revision,
)
from qad.models import Revision
from qualification.models import CodeBody

RETRY_SECONDS = 30  # a database that cannot be reached: 30 s, then 60, 120, ... (backoff)
# Never as long as the broker's visibility timeout (portal/env.py): a retry held that
# long by a worker would be handed out a second time.
MAX_RETRY_SECONDS = 300
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
def run_checks(
    self,
    *,
    revision_id: int,
    code_body_id: int | None = None,
    trigger: str = "",
    request_key: str = "",
) -> str:
    """Run one Code Body's automated checks on a submitted revision. Safe to run twice: the
    same inputs are checked once (a portal admin's forced re-run: once per `request_key`).
    A worker killed mid-run leaves the message unacknowledged, and it is delivered again as
    a retry; a database that cannot be reached is tried again later.

    Without a Code Body (a message sent before the checks were split by Code Body) it sends
    one task per Code Body whose criteria apply."""
    revision = Revision.objects.filter(pk=revision_id).select_related("submission").first()
    if revision is None:
        return "no such revision"
    if not revision.is_frozen:
        return "not submitted"
    if code_body_id is None:
        enqueue_for_revision(revision, trigger=trigger, request_key=request_key)
        return "sent to each Code Body"
    code_body = CodeBody.objects.filter(pk=code_body_id).first()
    if code_body is None:
        return "no such Code Body"
    try:
        run = checks_run(
            revision=revision, code_body=code_body, trigger=trigger, request_key=request_key
        )
    except DatabaseError as exc:
        if self.request.is_eager:
            raise
        countdown = min(RETRY_SECONDS * 2**self.request.retries, MAX_RETRY_SECONDS)
        raise self.retry(exc=exc, countdown=countdown) from exc
    if run is None:
        return f"no {code_body.code} criteria apply"
    counts = ", ".join(f"{status} {n}" for status, n in run.counts.items() if n)
    return f"{code_body.code} run {run.pk} {run.status}: {counts or 'no checks'}"


@shared_task(name="qad.assessment.resend_lost_checks")
def resend_lost_checks() -> int:
    """Every minute: runs whose worker died with them, sent again."""
    return checks_resend_lost()


@shared_task(name="qad.assessment.sweep_checks")
def sweep_checks() -> int:
    """The sweep: each Code Body's results on submitted revisions that are missing or
    stale."""
    return checks_sweep()
