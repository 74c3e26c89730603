"""Automated assessment-criteria checks, run by Celery workers on submitted revisions.

- `registry`: the `Check` contract, `@register`, and `CHECKS` (what criteria files may name)
- `params`: the parameters each check declares, checked when a criteria file is loaded
- `context`: `RevisionContext` (what checks read, built once per run) and `CriterionView`
- `files`: evidence files read once per run (CSV and Excel tables, document dates)
- one module per group of checks: answers, evidence, dates, evidence of testing, reference
  data, reliance, signoff

The run itself (which criteria apply, idempotency, storing results) is
`assessment.services.checks`; assessors read results through `assessment.selectors`.
"""

from __future__ import annotations

from assessment.checks import (  # noqa: F401
    answers,
    dates,
    evidence,
    evidence_of_testing,
    reference_data,
    reliance,
    signoff,
)
from assessment.checks.context import CriterionView, RevisionContext
from assessment.checks.registry import CHECKS, Check, CheckOutcome, Params, register

__all__ = [
    "CHECKS",
    "Check",
    "CheckOutcome",
    "CriterionView",
    "Params",
    "RevisionContext",
    "register",
]
