"""What each kind of report shows, and the fingerprint of it.

A document builder reads everything a report shows with a fixed number of queries (they do
not grow with the number of questions, criteria or evidence files) and returns the template
context. The fingerprint is a SHA-256 over the facts the report shows that can change: two
requests with the same fingerprint get the same stored PDF; a new fingerprint means a new
render.

One module per kind: `qad_submission` (a submitted revision), `assessment_report` (a Code
Body's review of a submission), `board_summary` (the pack for a board meeting) and
`approval_letter` (a role's Qualification). `KINDS` says how each is built, named,
authorised and described on its status page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from assessment.enums import ReportKind
from assessment.models import Report
from assessment.reports.documents.approval_letter import (
    APPROVAL_LETTER_FORMAT,
    approval_letter_context,
    approval_letter_filename,
    approval_letter_fingerprint,
    approval_letter_page,
    can_view_letter_report,
    letter_reference,
    role_subject_key,
)
from assessment.reports.documents.assessment_report import (
    ASSESSMENT_FORMAT,
    assessed_revision,
    assessment_context,
    assessment_filename,
    assessment_fingerprint,
    assessment_page,
    can_view_assessment_report,
    review_subject_key,
)
from assessment.reports.documents.board_summary import (
    BOARD_SUMMARY_FORMAT,
    board_subject_key,
    board_summary_context,
    board_summary_filename,
    board_summary_fingerprint,
    board_summary_page,
    can_view_board_summary,
)
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

__all__ = [
    "APPROVAL_LETTER_FORMAT",
    "ASSESSMENT_FORMAT",
    "BOARD_SUMMARY_FORMAT",
    "KINDS",
    "QAD_SUBMISSION_FORMAT",
    "REPORT_SUBJECT_RELATED",
    "ReportHtml",
    "ReportKindSpec",
    "ReportPage",
    "approval_letter_context",
    "approval_letter_fingerprint",
    "assessed_revision",
    "assessment_context",
    "assessment_fingerprint",
    "board_subject_key",
    "board_summary_context",
    "board_summary_fingerprint",
    "letter_reference",
    "qad_submission_context",
    "qad_submission_fingerprint",
    "report_html",
    "review_subject_key",
    "revision_subject_key",
    "role_subject_key",
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
    ReportKind.ASSESSMENT: ReportKindSpec(
        kind=ReportKind.ASSESSMENT,
        template_name="reports/assessment.html",
        context=lambda report: assessment_context(report.review_id),
        filename=assessment_filename,
        can_view=can_view_assessment_report,
        page=assessment_page,
    ),
    ReportKind.BOARD_SUMMARY: ReportKindSpec(
        kind=ReportKind.BOARD_SUMMARY,
        template_name="reports/board_summary.html",
        context=lambda report: board_summary_context(report.code_body_id, report.meeting_date),
        filename=board_summary_filename,
        can_view=can_view_board_summary,
        page=board_summary_page,
    ),
    ReportKind.APPROVAL_LETTER: ReportKindSpec(
        kind=ReportKind.APPROVAL_LETTER,
        template_name="reports/approval_letter.html",
        context=lambda report: approval_letter_context(report.qualification_role_id),
        filename=approval_letter_filename,
        can_view=can_view_letter_report,
        page=approval_letter_page,
    ),
}

# What a report's authorisation and status page read about its subject, whatever its kind:
# one query for the report and its subject (the relations a kind does not use are empty).
REPORT_SUBJECT_RELATED = [
    "revision__submission__qualification__organisation",
    "revision__submission__template",
    "review__code_body",
    "review__submission__qualification__organisation",
    "code_body",
    "qualification_role__qualification__organisation",
    "qualification_role__market_role",
    "qualification_role__mpid",
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
