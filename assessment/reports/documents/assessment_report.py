"""The assessment report: one Code Body's review of a submission, criterion by criterion.

A summary page (who the participant is, what was assessed, counts by outcome, the checks,
clarifications and work-off items, and the decision with who took it and when), then every
criterion of the Code Body that applies to the revision: its outcome and the assessor's
comment, the automated checks' results, and the clarifications on its questions with the
participant's answers; then the work-off plan.

It reports on the latest submitted revision: a revision the participant is still writing
(answering clarifications) has not been assessed yet.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from assessment.enums import CheckStatus
from assessment.models import (
    CheckResult,
    CheckRun,
    Clarification,
    ClarificationMessage,
    CriteriaSet,
    CriterionOutcome,
    Report,
    Review,
    WorkOffItem,
)
from assessment.reports.documents.common import (
    ReportPage,
    fingerprint_of,
    lines,
    participant_facts,
    role_lines,
)
from assessment.rules import can_view_review
from assessment.selectors import latest_check_results, latest_check_run
from assessment.services.reviews import applicable_criteria, criteria_set_for
from qad.models import Revision
from qualification.models import Qualification, QualificationRole, RoleApproval

# Part of every assessment report's fingerprint: bump it when the report's layout or content
# changes, so that reports rendered from now on follow the new layout.
ASSESSMENT_FORMAT = "assessment/1"

# What a report prints of an approval decision.
APPROVAL_FACTS = (
    "pk",
    "outcome",
    "meeting_date",
    "conditions",
    "reason",
    "decided_by_id",
    "decided_at",
)


@dataclass(frozen=True)
class MessageEntry:
    author: str
    from_code_body: bool
    written_at: dt.datetime
    text: str


@dataclass
class ClarificationEntry:
    question_ref: str
    state: str
    state_label: str
    raised_by: str
    raised_at: dt.datetime
    sent_at: dt.datetime | None
    messages: list[MessageEntry] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return any(not m.from_code_body for m in self.messages)


@dataclass
class CriterionEntry:
    ref: str
    title: str
    looks_for: str
    anchor: str
    questions: list[str]
    outcome: CriterionOutcome | None
    comment: str = ""
    checks: list[CheckResult] = field(default_factory=list)
    clarifications: list[ClarificationEntry] = field(default_factory=list)


@dataclass(frozen=True)
class WorkOffEntry:
    reference: str
    description: str
    owner: str
    due_date: dt.date
    status_label: str
    closed: bool
    required: bool
    blocking: bool
    closed_at: dt.datetime | None
    closure_evidence: str
    exception: str  # who agreed it, when, and why ("" when none was agreed)


@dataclass(frozen=True)
class Count:
    label: str
    value: int
    key: str = ""


def review_subject_key(review: Review) -> str:
    return f"review:{review.pk}"


def _load_review(review_id: int) -> Review:
    return Review.objects.select_related(
        "code_body",
        "assignee",
        "completed_by",
        "submission__qualification__organisation",
        "submission__qualification__wave",
        "submission__template",
    ).get(pk=review_id)


def assessed_revision(review: Review) -> Revision | None:
    """The revision the report is about: the latest one submitted."""
    return (
        Revision.objects.filter(submission_id=review.submission_id, submitted_at__isnull=False)
        .select_related("submitted_by")
        .order_by("-number")
        .first()
    )


def _roles(qualification: Qualification) -> list[QualificationRole]:
    return list(
        QualificationRole.objects.filter(qualification=qualification)
        .select_related("market_role", "mpid")
        .order_by("market_role__position", "market_role__code")
    )


def _clarifications(review: Review) -> list[Clarification]:
    return list(
        Clarification.objects.filter(submission_id=review.submission_id, code_body=review.code_body)
        .select_related("question", "raised_by")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=ClarificationMessage.objects.select_related("author").order_by(
                    "written_at", "pk"
                ),
            )
        )
        .order_by("question__position", "raised_at", "pk")
    )


def _clarification_entry(clarification: Clarification) -> ClarificationEntry:
    return ClarificationEntry(
        question_ref=clarification.question.ref,
        state=clarification.state,
        state_label=clarification.get_state_display(),
        raised_by=clarification.raised_by.full_name or clarification.raised_by.email,
        raised_at=clarification.raised_at,
        sent_at=clarification.sent_at,
        messages=[
            MessageEntry(
                author=message.author.full_name or message.author.email,
                from_code_body=message.from_code_body,
                written_at=message.written_at,
                text=lines(message.text),
            )
            for message in clarification.messages.all()
        ],
    )


def _work_off(qualification: Qualification) -> list[WorkOffEntry]:
    items = WorkOffItem.objects.filter(qualification=qualification).select_related(
        "closure_evidence", "exception__code_body", "exception__recorded_by"
    )
    return [work_off_entry(item) for item in items.order_by("due_date", "pk")]


def work_off_entry(item: WorkOffItem) -> WorkOffEntry:
    """A work-off item as reports print it (`exception` and `closure_evidence` loaded)."""
    exception = getattr(item, "exception", None)
    agreed = ""
    if exception is not None:
        agreed = _("%(body)s agreed an exception (%(who)s, %(when)s): %(reason)s") % {
            "body": exception.code_body.code,
            "who": exception.recorded_by.full_name or exception.recorded_by.email,
            "when": date_format(timezone.localtime(exception.recorded_at), "j F Y"),
            "reason": exception.reason,
        }
    return WorkOffEntry(
        reference=item.defect_reference,
        description=lines(item.description),
        owner=item.owner,
        due_date=item.due_date,
        status_label=item.get_status_display(),
        closed=item.status == WorkOffItem.Status.CLOSED,
        required=item.required,
        blocking=item.blocking,
        closed_at=item.closed_at,
        closure_evidence=item.closure_evidence.title if item.closure_evidence_id else "",
        exception=agreed,
    )


def _approvals(review: Review) -> list[RoleApproval]:
    return list(
        RoleApproval.objects.filter(
            qualification_role__qualification_id=review.submission.qualification_id,
            code_body=review.code_body,
        )
        .select_related("qualification_role__market_role", "qualification_role__mpid", "decided_by")
        .order_by("qualification_role__market_role__position")
    )


def _anchor(ref: str) -> str:
    return "c-" + slugify(ref)


def assessment_context(review_id: int) -> dict[str, Any]:
    """Everything the assessment report shows, in a fixed number of queries (about fifteen,
    however many criteria, checks and clarifications there are)."""
    review = _load_review(review_id)
    submission = review.submission
    qualification = submission.qualification
    organisation = qualification.organisation
    revision = assessed_revision(review)
    criteria_set: CriteriaSet | None = criteria_set_for(review)
    criteria = applicable_criteria(review, revision) if revision else []
    present = set(revision.answers.values_list("question_id", flat=True)) if revision else set()
    outcomes = {
        o.criterion_id: o for o in review.outcomes.select_related("recorded_by", "revision")
    }
    run: CheckRun | None = latest_check_run(revision, review.code_body) if revision else None
    results = latest_check_results(revision, review.code_body) if run else {}
    clarifications = _clarifications(review)

    entries: list[CriterionEntry] = []
    placed: set[int] = set()
    for criterion in criteria:
        questions = sorted(
            (q for q in criterion.questions.all() if q.pk in present), key=lambda q: q.position
        )
        question_ids = {q.pk for q in questions}
        threads = [c for c in clarifications if c.question_id in question_ids]
        placed.update(c.pk for c in threads)
        outcome = outcomes.get(criterion.pk)
        entries.append(
            CriterionEntry(
                ref=criterion.ref,
                title=criterion.title,
                looks_for=lines(criterion.looks_for),
                anchor=_anchor(criterion.ref),
                questions=[q.ref for q in questions],
                outcome=outcome,
                comment=lines(outcome.comment) if outcome else "",
                checks=results.get(criterion.pk, []),
                clarifications=[_clarification_entry(c) for c in threads],
            )
        )

    by_outcome = Counter(e.outcome.outcome for e in entries if e.outcome)
    outcome_counts = [
        Count(label=str(label), value=by_outcome.get(value, 0), key=value)
        for value, label in CriterionOutcome.Outcome.choices
    ]
    outcome_counts.append(
        Count(label=_("No outcome yet"), value=sum(1 for e in entries if e.outcome is None))
    )
    by_status = Counter(result.status for e in entries for result in e.checks)
    check_counts = [
        Count(label=str(label), value=by_status.get(value, 0), key=value)
        for value, label in CheckStatus.choices
    ]
    by_state = Counter(c.state for c in clarifications)
    clarification_counts = [
        Count(label=str(label), value=by_state.get(value, 0), key=value)
        for value, label in Clarification.State.choices
    ]
    work_off = _work_off(qualification)
    title = _("%(body)s assessment of the %(stage)s: %(organisation)s") % {
        "body": review.code_body.code,
        "stage": submission.get_stage_display(),
        "organisation": organisation.legal_name,
    }
    return {
        "title": title,
        "review": review,
        "code_body": review.code_body,
        "submission": submission,
        "qualification": qualification,
        "organisation": organisation,
        "roles": role_lines(_roles(qualification)),
        "revision": revision,
        "criteria_set": criteria_set,
        "criteria": entries,
        "outcome_counts": outcome_counts,
        "check_run": run,
        "check_counts": check_counts,
        "clarification_counts": clarification_counts,
        "clarification_total": len(clarifications),
        "other_clarifications": [
            _clarification_entry(c) for c in clarifications if c.pk not in placed
        ],
        "work_off": work_off,
        "work_off_open": sum(1 for item in work_off if not item.closed),
        "work_off_blocking": sum(1 for item in work_off if item.blocking),
        "approvals": _approvals(review),
        "prepared_at": timezone.now(),
    }


def assessment_fingerprint(review: Review) -> str:
    """The facts the assessment report shows: the review's state and who completed it, the
    revision assessed, the criteria version, every outcome and comment, the clarifications
    and their messages, the work-off plan, the latest complete check run, this Code Body's
    approval decisions, and who the participant is. Another Code Body's work on the same
    submission is not among them."""
    review = _load_review(review.pk)
    qualification = review.submission.qualification
    revision = assessed_revision(review)
    criteria_set = criteria_set_for(review)
    run = latest_check_run(revision, review.code_body) if revision else None
    clarifications = Clarification.objects.filter(
        submission_id=review.submission_id, code_body_id=review.code_body_id
    )
    facts = {
        "format": ASSESSMENT_FORMAT,
        "review": [review.state, review.assignee_id, review.completed_by_id, review.completed_at],
        "revision": (
            [revision.pk, revision.content_hash, revision.submitted_at, revision.submitted_by_id]
            if revision
            else None
        ),
        "criteria_set": criteria_set.pk if criteria_set else None,
        # A run's results never change once it is complete: a new run is a new row.
        "check_run": run.pk if run else None,
        "outcomes": list(
            review.outcomes.order_by("criterion_id").values_list(
                "criterion_id", "outcome", "comment", "revision_id", "recorded_by_id", "recorded_at"
            )
        ),
        "clarifications": list(
            clarifications.order_by("pk").values_list(
                "pk", "question_id", "state", "raised_by_id", "raised_at", "sent_at"
            )
        ),
        "messages": list(
            ClarificationMessage.objects.filter(clarification__in=clarifications)
            .order_by("pk")
            .values_list("pk", "author_id", "from_code_body", "text", "written_at")
        ),
        "work_off": work_off_facts([qualification.pk]),
        "approvals": list(
            RoleApproval.objects.filter(
                qualification_role__qualification=qualification, code_body_id=review.code_body_id
            )
            .order_by("pk")
            .values_list(*APPROVAL_FACTS)
        ),
        "participant": participant_facts(qualification, role_lines(_roles(qualification))),
    }
    return fingerprint_of(facts)


def work_off_facts(qualification_ids: list[int]) -> list[Any]:
    """Every field of the qualifications' work-off items that a report prints."""
    return list(
        WorkOffItem.objects.filter(qualification_id__in=qualification_ids)
        .order_by("pk")
        .values_list(
            "pk",
            "defect_reference",
            "description",
            "owner",
            "due_date",
            "status",
            "required",
            "closed_at",
            "closure_evidence__title",
            "exception__reason",
            "exception__code_body_id",
            "exception__recorded_by_id",
            "exception__recorded_at",
        )
    )


def assessment_filename(report: Report) -> str:
    review = report.review
    organisation = slugify(review.submission.qualification.organisation.legal_name)[:60]
    stage = "final" if review.submission.stage == "final" else "initial"
    return f"assessment-{review.code_body.code.lower()}-{stage}-qad-{organisation}.pdf"


def can_view_assessment_report(user, report: Report) -> bool:
    return report.review_id is not None and can_view_review(user, report.review)


def assessment_page(report: Report) -> ReportPage:
    review = report.review
    submission = review.submission
    organisation = submission.qualification.organisation
    body = review.code_body.code
    return ReportPage(
        title=f"{_('Assessment report')} · {body} · {organisation.legal_name}",
        heading=_("The %(body)s assessment of the %(stage)s, as a PDF")
        % {"body": body, "stage": submission.get_stage_display()},
        intro=_(
            "Every %(body)s criterion that applies to the submission of %(org)s, with its "
            "outcome, the assessor's comment, the automated checks and the clarifications; "
            "the work-off plan; and the decision."
        )
        % {"body": body, "org": organisation.legal_name},
        breadcrumbs=[
            (_("Work queue"), reverse("review-queue", args=[body])),
            (organisation.legal_name, review.get_absolute_url()),
        ],
        retry_url=reverse("report-request-assessment", args=[review.public_id]),
    )
