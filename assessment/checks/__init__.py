"""Automated assessment-criteria checks, run by Celery workers on submitted revisions.

- `registry`: the `Check` contract, `@register`, and `CHECKS` (what criteria files may name)
- `params`: the parameters each check declares, checked when a criteria file is loaded
- `context`: `RevisionContext` (what checks read, built once per run) and `CriterionView`
- `files`: evidence files read once per run (CSV and Excel tables, document dates)
- one module per group of checks: answers, evidence, dates, testing, reliance, signoff

The run itself (which criteria apply, idempotency, storing results) is
`assessment.services.checks`; assessors read results through `assessment.selectors`.
"""

from __future__ import annotations

from collections.abc import Iterable

from assessment.checks import (  # noqa: F401
    answers,
    dates,
    evidence,
    evidence_of_testing,
    reliance,
    signoff,
)
from assessment.checks.context import CriterionView, RevisionContext
from assessment.checks.registry import CHECKS, Check, CheckOutcome, Params, register
from assessment.services.checks import applicable_criteria_sets
from assessment.tasks import run_checks
from qad.models import Revision
from qualification.outbox import enqueue_on_commit

__all__ = [
    "CHECKS",
    "Check",
    "CheckOutcome",
    "CriterionView",
    "Params",
    "RevisionContext",
    "enqueue_for_revision",
    "enqueue_for_revisions",
    "enqueue_run",
    "register",
]


def enqueue_run(
    revision_id: int, code_body_id: int, *, trigger: str, request_key: str = ""
) -> None:
    """Run one Code Body's checks on a revision in a worker once the current transaction
    commits."""
    enqueue_on_commit(
        run_checks,
        revision_id=revision_id,
        code_body_id=code_body_id,
        trigger=trigger,
        request_key=request_key,
    )


def enqueue_for_revision(revision, *, trigger: str = "submitted", request_key: str = "") -> None:
    """Run the checks on `revision`: one task per Code Body whose criteria apply to it, each
    over that Code Body's criteria, sent once the current transaction commits."""
    for criteria_set in applicable_criteria_sets(revision):
        enqueue_run(
            revision.pk, criteria_set.code_body_id, trigger=trigger, request_key=request_key
        )


def enqueue_for_revisions(
    revision_ids: Iterable[int], *, trigger: str, request_key: str = ""
) -> None:
    """Run the checks again on those of `revision_ids` that are submitted (what they read
    changed, e.g. an evidence file finished its scan)."""
    submitted = Revision.objects.filter(
        pk__in=list(revision_ids), submitted_at__isnull=False
    ).select_related("submission")
    for revision in submitted:
        enqueue_for_revision(revision, trigger=trigger, request_key=request_key)
