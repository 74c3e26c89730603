"""The programme at a glance, for portal admins and lead assessors, and its exports."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from assessment.models import Review, WorkOffItem
from assessment.working_days import working_days_between
from portal.charts import Bar, bar_chart, column_chart
from qad.enums import SubmissionStage, SubmissionState
from qad.models import Revision, Submission, SubmissionTransition
from qualification.enums import (
    ApprovalOutcome,
    CodeBodyRole,
    DeadlineStage,
    QualificationState,
    Route,
)
from qualification.models import (
    CodeBody,
    MarketRole,
    Qualification,
    QualificationRole,
    RoleApproval,
    WaveDeadline,
)
from qualification.rules import code_body_roles, is_portal_admin
from qualification.selectors import DEADLINE_STAGES

WEEKS = 12
# The QAD stage whose submission meets a deadline.
SUBMISSION_STAGES = {
    DeadlineStage.INITIAL_QAD: SubmissionStage.INITIAL,
    DeadlineStage.FINAL_QAD: SubmissionStage.FINAL,
}


def may_see_programme(user) -> bool:
    """The programme's dashboard, export and API status are for portal admins and lead
    assessors."""
    return is_portal_admin(user) or CodeBodyRole.LEAD_ASSESSOR in code_body_roles(user).values()


def programme_scope(user) -> list[str] | None:
    """The Code Bodies whose participants `user` sees in the programme's figures: None for a
    portal admin (everyone), a lead assessor's own Code Bodies otherwise."""
    if is_portal_admin(user):
        return None
    return [
        code for code, role in code_body_roles(user).items() if role == CodeBodyRole.LEAD_ASSESSOR
    ]


def filtered_qualifications(filters: dict) -> QuerySet[Qualification]:
    """`filters["code_bodies"]`, set by the caller from `programme_scope` and never from the
    query string, limits a lead assessor to the participants their Code Body approves (None:
    everyone). The others are the reader's choice: Wave, market role, route, the
    qualification's state (`stage`) and an approving Code Body (`code_body`)."""
    qualifications = Qualification.objects.all()
    # Filters through the roles join a qualification once per matching role: only they need
    # the rows made distinct again.
    joined = False
    if filters.get("code_bodies") is not None:
        joined = True
        qualifications = qualifications.filter(
            roles__market_role__approvers__code__in=filters["code_bodies"]
        )
    if filters.get("wave"):
        qualifications = qualifications.filter(wave__code=filters["wave"])
    if filters.get("role"):
        joined = True
        qualifications = qualifications.filter(roles__market_role__code=filters["role"])
    if filters.get("route"):
        qualifications = qualifications.filter(route=filters["route"])
    if filters.get("stage"):
        qualifications = qualifications.filter(state=filters["stage"])
    if filters.get("code_body"):
        joined = True
        qualifications = qualifications.filter(
            roles__market_role__approvers__code=filters["code_body"]
        )
    return qualifications.distinct() if joined else qualifications


@dataclass
class Overdue:
    """Something past its date. Its link is made when the page lists it: every overdue item
    is counted, a page of them is shown."""

    kind: str
    organisation: str
    detail: str
    route: str
    public_id: uuid.UUID

    @property
    def url(self) -> str:
        return reverse(self.route, kwargs={"public_id": self.public_id})


def programme_dashboard(filters: dict) -> dict:
    qualifications = filtered_qualifications(filters)
    # One read of the programme's qualifications serves the count, the states and the
    # deadlines; the other queries take them as a subquery rather than a list of ids.
    found = list(
        qualifications.values_list(
            "pk", "public_id", "state", "wave_id", "organisation__legal_name"
        ).order_by("organisation__legal_name", "created_at")
    )
    ids = qualifications.values("pk")
    today = timezone.localdate()

    states = Counter(state for _pk, _public_id, state, _wave, _name in found)
    by_state = [
        Bar(str(state.label), (states.get(state.value, 0),)) for state in QualificationState
    ]
    roles = dict(
        QualificationRole.objects.filter(qualification_id__in=ids)
        .values_list("market_role__code")
        .annotate(n=Count("pk"))
    )
    market_roles = list(MarketRole.objects.order_by("position"))
    by_role = [Bar(role.name, (roles.get(role.code, 0),)) for role in market_roles]

    # Plain rows, not model instances: the dashboard reads a few columns of every open
    # review and every qualification in the programme, and builds nothing per row but text.
    bodies = {body.pk: body for body in CodeBody.objects.order_by("position")}
    # Labels are lazy translations: read once here, not once per review.
    stage_labels = {value: str(label) for value, label in SubmissionStage.choices}
    buckets: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    overdue: list[Overdue] = []
    for public_id, body_id, waiting_since, stage, organisation in (
        Review.objects.filter(submission__qualification_id__in=ids, state__in=Review.CLOCK_RUNNING)
        .values_list(
            "public_id",
            "code_body_id",
            "waiting_since",
            "submission__stage",
            "submission__qualification__organisation__legal_name",
        )
        .order_by("waiting_since", "pk")
    ):
        body = bodies[body_id]
        target = body.review_target_working_days
        waited = working_days_between(timezone.localdate(waiting_since or timezone.now()), today)
        slot = 0 if waited <= target // 2 else 1 if waited <= target else 2
        buckets[body.code][slot] += 1
        if slot == 2:
            overdue.append(
                Overdue(
                    "review",
                    organisation,
                    f"{body.code} review of the {stage_labels[stage]} waiting {waited} "
                    f"working days (target {target})",
                    "review-detail",
                    public_id,
                )
            )
    backlog = [Bar(body.code, tuple(buckets[body.code])) for body in bodies.values()]

    overdue += _overdue_deadlines(found, ids, today=today)
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
                "qualification-detail",
                item.qualification.public_id,
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
        "total": len(found),
        "market_roles": market_roles,
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


def _overdue_deadlines(found: list[tuple], ids: QuerySet, *, today: dt.date) -> list:
    """Qualifications past the deadline of the stage they work towards, with that stage's
    QAD not yet submitted (`found`: the qualifications' pk, public id, state, Wave and
    organisation name, in the order to list them; `ids`: their pks as a subquery)."""
    deadlines: dict[tuple[int, str], dt.date] = {
        (wave_id, stage): due
        for wave_id, stage, due in WaveDeadline.objects.values_list("wave_id", "stage", "due_date")
    }
    submitted = set(
        Submission.objects.filter(qualification_id__in=ids)
        .exclude(state=SubmissionState.DRAFT)
        .values_list("qualification_id", "stage")
    )
    labels = {value: str(label) for value, label in DeadlineStage.choices}
    overdue = []
    for pk, public_id, state, wave_id, organisation in found:
        if wave_id is None:
            continue
        stage = DEADLINE_STAGES.get(state)
        due = deadlines.get((wave_id, stage))
        if due is None or due >= today or (pk, SUBMISSION_STAGES.get(stage)) in submitted:
            continue
        overdue.append(
            Overdue(
                "deadline",
                organisation,
                f"{labels[stage]} was due {due:%d %b %Y} ({(today - due).days} days ago)",
                "qualification-detail",
                public_id,
            )
        )
    return overdue


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
    """The export's rows (see `programme_status`), for the filtered qualifications."""
    return [row for _public_id, row in programme_status(filtered_qualifications(filters))]


def programme_status(qualifications: QuerySet[Qualification]) -> list[tuple[uuid.UUID, list]]:
    """One row per qualification of `qualifications`, with its public id: what the Code
    Bodies report in their spreadsheets, in the order of the organisations' names.

    Read as plain rows in six queries whatever the programme's size, each limited by the
    qualifications as a subquery (not a list of their ids to send and prepare
    again for every query): the export covers every qualification, and model instances for
    each qualification, role, approval, revision and review would cost far more than the
    figures themselves.
    """
    chosen = qualifications.values("pk")
    roles: dict[int, list[tuple]] = defaultdict(list)
    approvals_of: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for role_id, body, outcome in (
        RoleApproval.objects.filter(qualification_role__qualification__in=chosen)
        .order_by("qualification_role_id", "code_body__position")
        .values_list("qualification_role_id", "code_body__code", "outcome")
    ):
        approvals_of[role_id].append((body, outcome))
    for pk, qualification_id, code, mpid, qualified_on in (
        QualificationRole.objects.filter(qualification__in=chosen)
        .order_by("qualification_id", "market_role__position")
        .values_list("pk", "qualification_id", "market_role__code", "mpid__code", "qualified_on")
    ):
        roles[qualification_id].append((code, mpid, qualified_on, approvals_of[pk]))
    # {qualification id: {stage: [state, submitted at, {Code Body: review state}]}}
    submissions: dict[int, dict[str, list]] = defaultdict(dict)
    submission_of: dict[int, list] = {}
    for pk, qualification_id, stage, state in (
        Submission.objects.filter(qualification__in=chosen)
        .order_by("created_at")
        .values_list("pk", "qualification_id", "stage", "state")
    ):
        submission = [state, None, {}]
        submissions[qualification_id][stage] = submission
        submission_of[pk] = submission
    for submission_id, submitted_at in (
        Revision.objects.filter(submission__qualification__in=chosen, submitted_at__isnull=False)
        .order_by("number")
        .values_list("submission_id", "submitted_at")
    ):
        submission_of[submission_id][1] = submitted_at
    for submission_id, body, state in (
        Review.objects.filter(submission__qualification__in=chosen)
        .order_by("pk")
        .values_list("submission_id", "code_body__code", "state")
    ):
        submission_of[submission_id][2][body] = state

    # Choice labels are lazy translations; looked up once here rather than per cell.
    submission_states = {k: str(v) for k, v in SubmissionState.choices}
    review_states = {k: str(v) for k, v in Review.State.choices}
    outcomes = {k: str(v) for k, v in ApprovalOutcome.choices}
    routes = {k: str(v) for k, v in Route.choices}
    states = {k: str(v) for k, v in QualificationState.choices}
    no_submission = ("", "")

    def stage(found: dict[str, list], code: str) -> tuple[str, str]:
        submission = found.get(code)
        if submission is None:
            return no_submission
        submitted = submission[1]
        return submission_states[submission[0]], (submitted.date().isoformat() if submitted else "")

    rows = []
    for (
        pk,
        route,
        state,
        created_at,
        target_migration_date,
        legal_name,
        company_number,
        wave_name,
        public_id,
    ) in qualifications.order_by("organisation__legal_name", "pk").values_list(
        "pk",
        "route",
        "state",
        "created_at",
        "target_migration_date",
        "organisation__legal_name",
        "organisation__company_number",
        "wave__name",
        "public_id",
    ):
        its_roles, found = roles[pk], submissions[pk]
        # The latest review of each Code Body (a later submission's over an earlier one's),
        # and each Code Body's approvals, role by role.
        reviewed: dict[str, str] = {}
        for submission in found.values():
            reviewed.update(submission[2])
        approved: dict[str, list[str]] = defaultdict(list)
        for code, _mpid, _on, approvals in its_roles:
            for body, outcome in approvals:
                approved[body].append(f"{code}: {outcomes[outcome]}")
        row = [
            legal_name,
            company_number,
            " ".join(mpid for _code, mpid, _on, _a in its_roles if mpid),
            " ".join(code for code, _mpid, _on, _a in its_roles),
            routes[route],
            wave_name or "",
            states[state],
            created_at.date().isoformat(),
            *stage(found, "initial"),
            *stage(found, "final"),
            target_migration_date.isoformat() if target_migration_date else "",
        ]
        for body in ("BSC", "REC", "DIP"):
            row.append(review_states[reviewed[body]] if body in reviewed else "")
            row.append("; ".join(approved.get(body, ())))
        row.append(" ".join(f"{code} {on.isoformat()}" for code, _mpid, on, _a in its_roles if on))
        rows.append((public_id, row))
    return rows
