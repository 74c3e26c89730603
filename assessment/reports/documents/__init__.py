"""What each kind of report shows, and the fingerprint of it.

A document builder reads everything a report shows with a fixed number of queries (they do
not grow with the number of questions, criteria or evidence files) and returns the template
context. The fingerprint is a SHA-256 over the facts the report shows that can change: two
requests with the same fingerprint get the same stored PDF; a new fingerprint means a new
render.

One module per kind (`qad_submission`: a submitted revision); `KINDS` says how each is
built, named, authorised and described on its status page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from assessment.reports.documents.common import ReportPage
from assessment.reports.documents.qad_submission import (
    QAD_SUBMISSION_FORMAT,
    can_view_qad_report,
    qad_submission_context,
    qad_submission_filename,
    qad_submission_fingerprint,
    qad_submission_page,
    revision_subject_key,
)
from assessment.reports.enums import ReportKind
from assessment.reports.models import Report

__all__ = [
    "KINDS",
    "QAD_SUBMISSION_FORMAT",
    "REPORT_SUBJECT_RELATED",
    "ReportHtml",
    "ReportKindSpec",
    "ReportPage",
    "qad_submission_context",
    "qad_submission_fingerprint",
    "report_html",
    "revision_subject_key",
]


@dataclass(frozen=True)
class ReportKindSpec:
    """How to build, name, authorise and describe one kind of report."""

    kind: str
    template_name: str
    context: Callable[[Report], dict[str, Any]]
    filename: Callable[[Report], str]
    can_view: Callable[[Any, Report], bool]
    page: Callable[[Report], ReportPage]


KINDS: dict[str, ReportKindSpec] = {
    ReportKind.QAD_SUBMISSION: ReportKindSpec(
        kind=ReportKind.QAD_SUBMISSION,
        template_name="reports/qad_submission.html",
        context=lambda report: qad_submission_context(report.revision_id),
        filename=qad_submission_filename,
        can_view=can_view_qad_report,
        page=qad_submission_page,
    ),
}

# What a report's authorisation and status page read about its subject, whatever its kind:
# one query for the report and its subject (the relations a kind does not use are empty).
REPORT_SUBJECT_RELATED = [
    "revision__submission__qualification__organisation",
    "revision__submission__template",
]


@dataclass(frozen=True)
class ReportHtml:
    html: str
    query_seconds: float  # building the context: the queries and our Python
    template_seconds: float  # the Django template

    @property
    def seconds(self) -> float:
        return self.query_seconds + self.template_seconds


def report_html(report: Report) -> ReportHtml:
    """The report's HTML, timed: our own share of a render."""
    spec = KINDS[report.kind]
    started = time.perf_counter()
    context = spec.context(report)
    built = time.perf_counter()
    html = render_to_string(spec.template_name, context)
    rendered = time.perf_counter()
    return ReportHtml(html=html, query_seconds=built - started, template_seconds=rendered - built)
