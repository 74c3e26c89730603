"""The programme at a glance, for portal admins and lead assessors, and its exports."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from assessment.models import Review, WorkOffItem
from assessment.working_days import working_days_between
from qad.enums import SubmissionState
from qad.models import Submission, SubmissionTransition
from qualification.charts import Bar, bar_chart, column_chart
from qualification.enums import ApprovalOutcome, QualificationState
from qualification.models import (
    CodeBody,
    MarketRole,
    Qualification,
    QualificationRole,
    RoleApproval,
    WaveDeadline,
)
from qualification.selectors import next_deadline

WEEKS = 12


def filtered_qualifications(filters: dict) -> QuerySet[Qualification]:
    qualifications = Qualification.objects.all()
    if filters.get("wave"):
        qualifications = qualifications.filter(wave__code=filters["wave"])
    if filters.get("role"):
        qualifications = qualifications.filter(roles__market_role__code=filters["role"])
    if filters.get("route"):
        qualifications = qualifications.filter(route=filters["route"])
    return qualifications.distinct()


@dataclass
class Overdue:
    kind: str
    organisation: str
    detail: str
    url: str


def programme_dashboard(filters: dict) -> dict:
    qualifications = filtered_qualifications(filters)
    ids = list(qualifications.values_list("pk", flat=True))
    today = timezone.localdate()

    states = Counter(qualifications.values_list("state", flat=True))
    by_state = [
        Bar(str(state.label), (states.get(state.value, 0),)) for state in QualificationState
    ]
    roles = dict(
        QualificationRole.objects.filter(qualification_id__in=ids)
        .values_list("market_role__code")
        .annotate(n=Count("pk"))
    )
    by_role = [
        Bar(role.name, (roles.get(role.code, 0),))
        for role in MarketRole.objects.order_by("position")
    ]

    reviews = list(
        Review.objects.filter(submission__qualification_id__in=ids)
        .exclude(state=Review.State.COMPLETE)
        .select_related("code_body", "submission__qualification__organisation")
    )
    buckets: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    overdue: list[Overdue] = []
    for review in reviews:
        target = review.code_body.review_target_working_days
        waited = working_days_between(
            timezone.localdate(review.waiting_since or timezone.now()), today
        )
        slot = 0 if waited <= target // 2 else 1 if waited <= target else 2
        buckets[review.code_body.code][slot] += 1
        if slot == 2:
            overdue.append(
                Overdue(
                    "review",
                    review.submission.qualification.organisation.legal_name,
                    f"{review.code_body.code} review of the "
                    f"{review.submission.get_stage_display()} waiting {waited} working days "
                    f"(target {target})",
                    review.get_absolute_url(),
                )
            )
    backlog = [
        Bar(body.code, tuple(buckets[body.code])) for body in CodeBody.objects.order_by("position")
    ]

    for qualification in qualifications.select_related("organisation", "wave").prefetch_related(
        Prefetch("wave__deadlines", queryset=WaveDeadline.objects.all()),
        Prefetch("submissions", queryset=Submission.objects.all()),
    ):
        deadline = next_deadline(qualification, today=today)
        submitted_stage = any(
            s.state != SubmissionState.DRAFT
            for s in qualification.submissions.all()
            if deadline and s.get_stage_display() == deadline.stage
        )
        if deadline and deadline.overdue and not submitted_stage:
            overdue.append(
                Overdue(
                    "deadline",
                    qualification.organisation.legal_name,
                    f"{deadline.stage} was due {deadline.due_date:%d %b %Y} "
                    f"({deadline.days_overdue} days ago)",
                    qualification.get_absolute_url(),
                )
            )
    for item in (
        WorkOffItem.objects.filter(qualification_id__in=ids, due_date__lt=today)
        .exclude(status=WorkOffItem.Status.CLOSED)
        .select_related("qualification__organisation")
    ):
        overdue.append(
            Overdue(
                "work-off",
                item.qualification.organisation.legal_name,
                f"{item.defect_reference} was due {item.due_date:%d %b %Y}",
                item.qualification.get_absolute_url(),
            )
        )

    start = today - dt.timedelta(days=today.weekday() + 7 * (WEEKS - 1))
    weeks = [start + dt.timedelta(weeks=i) for i in range(WEEKS)]
    submitted = Counter(
        _week(t.astimezone().date(), start)
        for t in SubmissionTransition.objects.filter(
            submission__qualification_id__in=ids,
            to_state=SubmissionState.SUBMITTED,
            at__date__gte=start,
        ).values_list("at", flat=True)
    )
    approved = Counter(
        _week(t.astimezone().date(), start)
        for t in RoleApproval.objects.filter(
            qualification_role__qualification_id__in=ids,
            outcome__in=[ApprovalOutcome.APPROVED, ApprovalOutcome.APPROVED_WITH_CONDITIONS],
            decided_at__date__gte=start,
        ).values_list("decided_at", flat=True)
    )
    trend = {
        "Submissions": [submitted.get(i, 0) for i in range(WEEKS)],
        "Approvals": [approved.get(i, 0) for i in range(WEEKS)],
    }
    labels = [w.strftime("%d %b") for w in weeks]
    return {
        "total": len(ids),
        "by_state": by_state,
        "by_role": by_role,
        "backlog": backlog,
        "overdue": overdue,
        "weeks": list(zip(labels, trend["Submissions"], trend["Approvals"], strict=True)),
        "charts": {
            "state": bar_chart(title="Qualifications by stage", bars=by_state),
            "role": bar_chart(title="Qualifications by market role", bars=by_role),
            "backlog": bar_chart(
                title="Open reviews by Code Body and time waited",
                bars=backlog,
                series=("within half the target", "within the target", "over the target"),
            ),
            "trend": column_chart(
                title="Submissions and approvals per week", labels=labels, series=trend
            ),
        },
    }


def _week(day: dt.date, start: dt.date) -> int:
    return (day - start).days // 7


EXPORT_COLUMNS = [
    "Organisation",
    "Company number",
    "MPIDs",
    "Roles",
    "Route",
    "Wave",
    "Stage",
    "Started",
    "Initial QAD",
    "Initial QAD submitted",
    "Final QAD",
    "Final QAD submitted",
    "Target migration date",
    "BSC review",
    "BSC approval",
    "REC review",
    "REC approval",
    "DIP review",
    "DIP approval",
    "Qualified roles",
]


def programme_rows(filters: dict) -> list[list]:
    """One row per qualification: what the Code Bodies report in their spreadsheets."""
    from qad.models import Revision

    qualifications = (
        filtered_qualifications(filters)
        .select_related("organisation", "wave")
        .prefetch_related(
            Prefetch(
                "roles",
                queryset=QualificationRole.objects.select_related(
                    "market_role", "mpid"
                ).prefetch_related(
                    Prefetch("approvals", queryset=RoleApproval.objects.select_related("code_body"))
                ),
            ),
            Prefetch(
                "submissions",
                queryset=Submission.objects.prefetch_related(
                    Prefetch("revisions", queryset=Revision.objects.order_by("number")),
                    Prefetch("reviews", queryset=Review.objects.select_related("code_body")),
                ),
            ),
        )
        .order_by("organisation__legal_name")
    )
    rows = []
    for q in qualifications:
        roles = list(q.roles.all())
        submissions = {s.stage: s for s in q.submissions.all()}

        def stage(code, q=q, submissions=submissions):
            s = submissions.get(code)
            if s is None:
                return "", ""
            submitted = [r.submitted_at for r in s.revisions.all() if r.submitted_at]
            return s.get_state_display(), submitted[-1].date().isoformat() if submitted else ""

        def body(code, roles=roles, submissions=submissions):
            reviews = [
                r for s in submissions.values() for r in s.reviews.all() if r.code_body.code == code
            ]
            review = reviews[-1].get_state_display() if reviews else ""
            approvals = [
                f"{r.market_role.code}: {a.get_outcome_display()}"
                for r in roles
                for a in r.approvals.all()
                if a.code_body.code == code
            ]
            return review, "; ".join(approvals)

        initial, final = stage("initial"), stage("final")
        bsc, rec, dip = body("BSC"), body("REC"), body("DIP")
        rows.append(
            [
                q.organisation.legal_name,
                q.organisation.company_number,
                " ".join(r.mpid.code for r in roles if r.mpid_id),
                " ".join(r.market_role.code for r in roles),
                q.get_route_display(),
                q.wave.name if q.wave else "",
                q.get_state_display(),
                q.created_at.date().isoformat(),
                *initial,
                *final,
                q.target_migration_date.isoformat() if q.target_migration_date else "",
                *bsc,
                *rec,
                *dip,
                " ".join(
                    f"{r.market_role.code} {r.qualified_on.isoformat()}"
                    for r in roles
                    if r.qualified_on
                ),
            ]
        )
    return rows
