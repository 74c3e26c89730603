"""Rendering reports in a worker on the `reports` queue: thin wrappers over the services.

The render runs late-acknowledged, one at a time per worker child, with a hard time limit.
A worker child that dies mid-render (killed for memory, say) has the render sent again as a
retry, at most `max_retries` times; after that, or past the hard time limit, the report is
marked failed and the page offers to try again.
"""

from __future__ import annotations

from celery import shared_task
from celery.signals import task_failure
from django.conf import settings

from assessment.reports.services import RENDER_TASK, report_fail, report_render, reports_sweep

# Seconds. A full QAD with hundreds of evidence files renders in a few seconds; the limit
# is for a render that has gone wrong. The broker's visibility timeout is far longer.
RENDER_TIME_LIMIT = 600


@shared_task(
    name=RENDER_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    retry_on_worker_lost=True,
    max_retries=2,
    default_retry_delay=settings.REPORT_RETRY_SECONDS,
    time_limit=RENDER_TIME_LIMIT,
    soft_time_limit=RENDER_TIME_LIMIT - 30,
    ignore_result=True,
)
def render_report(*, report_id: int) -> str:
    report = report_render(report_id=report_id)
    return report.status if report is not None else "gone"


@shared_task(name="qad.reports.sweep")
def sweep_reports() -> int:
    return reports_sweep()


@task_failure.connect
def _render_failed(sender=None, kwargs=None, exception=None, **_extra) -> None:
    """The render died where the task could not record it (hard time limit, a worker lost
    more often than the retries allow): say so on the report."""
    if getattr(sender, "name", None) != RENDER_TASK or not kwargs:
        return
    report_id = kwargs.get("report_id")
    if report_id is not None:
        report_fail(report_id=report_id, error=f"The render stopped: {type(exception).__name__}")
