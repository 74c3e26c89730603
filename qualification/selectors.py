"""Reads of the qualification domain: deadlines of the Waves and the qualification's
activity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from qualification.enums import DeadlineStage, QualificationState
from qualification.models import (
    AuditEvent,
    CodeBodyMembership,
    Membership,
    Mpid,
    Qualification,
    QualificationRole,
    User,
)


@dataclass(frozen=True)
class Deadline:
    stage: str
    due_date: dt.date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


# The deadline a qualification in each state is working towards.
DEADLINE_STAGES = {
    QualificationState.PRE_QUALIFICATION: DeadlineStage.PQS,
    QualificationState.TESTING: DeadlineStage.INITIAL_QAD,
    QualificationState.FINAL_QAD: DeadlineStage.FINAL_QAD,
}


def next_deadline(qualification: Qualification, *, today: dt.date | None = None) -> Deadline | None:
    """The deadline of the stage the qualification is working towards, from its Wave."""
    if qualification.wave is None:
        return None
    stage = DEADLINE_STAGES.get(qualification.state)
    if stage is None:
        return None
    today = today or timezone.localdate()
    for deadline in qualification.wave.deadlines.all():
        if deadline.stage == stage:
            return Deadline(
                stage=deadline.get_stage_display(),
                due_date=deadline.due_date,
                days_left=(deadline.due_date - today).days,
            )
    return None


# How far along the deadline stages each state is: stages before it are behind it.
STAGES_BEHIND = {
    QualificationState.PRE_QUALIFICATION: 0,
    QualificationState.TESTING: 1,
    QualificationState.FINAL_QAD: 2,
    QualificationState.AWAITING_SIGNATURE: 3,
    QualificationState.AWAITING_APPROVAL: 3,
    QualificationState.QUALIFIED: 3,
    QualificationState.SERVICE_ACTIVATION: 3,
    QualificationState.ACTIVE: 3,
}


@dataclass(frozen=True)
class StageDeadline(Deadline):
    done: bool = False
    stopped: bool = False  # withdrawn or not completed: the dates no longer apply

    @property
    def overdue(self) -> bool:
        return not self.done and not self.stopped and self.days_left < 0


def wave_calendar(
    qualification: Qualification, *, today: dt.date | None = None, met: Collection[str] = ()
) -> list[StageDeadline]:
    """Every stage's due date from the qualification's Wave, with what is done and what is
    late, so that a participant sees the whole road and not only the next step. `met`: the
    stages the caller knows are done (a QAD agreed complete before the next stage began)."""
    if qualification.wave is None:
        return []
    today = today or timezone.localdate()
    order = list(DeadlineStage.values)
    behind = STAGES_BEHIND.get(qualification.state)
    return [
        StageDeadline(
            stage=deadline.get_stage_display(),
            due_date=deadline.due_date,
            days_left=(deadline.due_date - today).days,
            done=behind is not None
            and (order.index(deadline.stage) < behind or deadline.stage in met),
            stopped=behind is None,
        )
        for deadline in sorted(
            qualification.wave.deadlines.all(), key=lambda d: order.index(d.stage)
        )
    ]


@dataclass
class ActivityLine:
    at: dt.datetime
    actor: User | None
    kind: str
    summary: str
    count: int = 1


def activity_timeline(
    qualification: Qualification,
    *,
    limit: int = 200,
    hidden: Collection[tuple[str, str]] = (),
) -> list[ActivityLine]:
    """Who did what and when, newest first, but the events about `hidden` objects ((model
    label, id) pairs). A run of answer saves by one person in one section is one line
    ("saved 6 answers in section 4.1"), so the timeline stays readable."""
    hidden = set(hidden)
    events = (
        AuditEvent.objects.filter(qualification=qualification)
        .select_related("actor")
        .order_by("-at", "-pk")[: limit * 5]
    )
    lines: list[ActivityLine] = []
    for event in events:
        if (event.object_type, event.object_id) in hidden:
            continue
        last = lines[-1] if lines else None
        if (
            event.kind == "answer.saved"
            and last is not None
            and last.kind == "answer.saved"
            and last.actor == event.actor
            and last.summary.endswith(f"section {event.section_ref}")
            and (last.at - event.at) <= dt.timedelta(minutes=30)
        ):
            last.count += 1
            last.summary = f"Saved {last.count} answers in section {event.section_ref}"
            continue
        summary = (
            f"Saved 1 answer in section {event.section_ref}"
            if event.kind == "answer.saved"
            else event.summary
        )
        lines.append(ActivityLine(event.at, event.actor, event.kind, summary))
        if len(lines) >= limit:
            break
    return lines


@dataclass(frozen=True)
class RegisteredMpid:
    """An MPID as the portal holds it: the market role it is for, and its DIP ID ("" until the
    DIP Manager issues one)."""

    code: str
    role_code: str
    role_name: str
    dip_id: str


@dataclass(frozen=True)
class ReferenceData:
    """What the portal holds about a qualification's identifiers, to check a QAD against."""

    route: str
    mpids: dict[str, RegisteredMpid]  # every MPID the organisation holds, by code
    sought: tuple[tuple[str, str, str], ...]  # (role code, role name, MPID or "") per role


def reference_data(qualification: Qualification) -> ReferenceData:
    mpids = {
        code: RegisteredMpid(code, role_code, role_name, dip_id)
        for code, role_code, role_name, dip_id in Mpid.objects.filter(
            organisation_id=qualification.organisation_id
        )
        .order_by("code")
        .values_list("code", "market_role__code", "market_role__name", "dip_id")
    }
    sought = tuple(
        (role_code, role_name, mpid or "")
        for role_code, role_name, mpid in QualificationRole.objects.filter(
            qualification=qualification
        )
        .order_by("market_role__position")
        .values_list("market_role__code", "market_role__name", "mpid__code")
    )
    return ReferenceData(qualification.route, mpids, sought)


def qualifications_visible_to(user: User) -> QuerySet[Qualification]:
    """The qualifications `user` may see (`rules.can_view_qualification`, for many at once):
    every one for a portal admin, their organisations' own, and those of the market roles
    their Code Bodies approve."""
    if not user.is_authenticated or not user.is_active:
        return Qualification.objects.none()
    if user.is_staff:
        return Qualification.objects.all()
    mine = Membership.objects.filter(user=user, organisation=OuterRef("organisation_id"))
    approved = QualificationRole.objects.filter(
        qualification=OuterRef("pk"),
        market_role__approvers__in=CodeBodyMembership.objects.filter(user=user).values(
            "code_body_id"
        ),
    )
    return Qualification.objects.filter(Q(Exists(mine)) | Q(Exists(approved)))
