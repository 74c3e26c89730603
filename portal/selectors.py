"""Reads for the pages that show a participant's work across apps: the home page's panels,
the programme's counts and the qualification page."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

from portal.next_actions import next_actions
from qad.enums import SubmissionStage, SubmissionState
from qad.models import Revision, Submission
from qad.rules import remember_participant_roles
from qualification.enums import CodeBodyRole, DeadlineStage, MembershipRole, QualificationState
from qualification.models import (
    CodeBody,
    Organisation,
    PreQualification,
    Qualification,
    QualificationRole,
    User,
    WaveDeadline,
)
from qualification.rules import code_body_roles, is_portal_admin
from qualification.selectors import (
    DEADLINE_STAGES,
    Deadline,
    activity_timeline,
    next_deadline,
    wave_calendar,
)

AWAITING_CODE_BODY = (
    SubmissionState.SUBMITTED,
    SubmissionState.UNDER_REVIEW,
)


@dataclass
class OrganisationPanel:
    organisation: Organisation
    roles: list[str]
    qualifications: list[Qualification] = field(default_factory=list)
    is_admin: bool = False


@dataclass
class CodeBodyPanel:
    code_body: CodeBody
    role: str
    submissions: list[Submission] = field(default_factory=list)


# What the progress of a revision shows (includes/progress.html and the home page's lists):
# not its per-section progress nor its content hash.
PROGRESS_FIELDS = ("submission_id", "number", "submitted_at", "required_count", "answered_count")


def _with_progress(
    queryset: QuerySet[Qualification],
    *,
    templates: bool = True,
    fields: tuple[str, ...] = PROGRESS_FIELDS,
) -> QuerySet[Qualification]:
    """With roles, submissions (with their templates unless `templates` is False), the
    progress of their revisions, and the Wave's deadlines."""
    latest_revisions = Revision.objects.order_by("-number").only(*fields)
    submissions = Submission.objects.all()
    if templates:
        submissions = submissions.select_related("template")
    return queryset.select_related("organisation", "wave").prefetch_related(
        Prefetch(
            "roles",
            queryset=QualificationRole.objects.select_related("market_role", "mpid"),
        ),
        Prefetch(
            "submissions",
            queryset=submissions.prefetch_related(Prefetch("revisions", queryset=latest_revisions)),
        ),
        Prefetch("wave__deadlines", queryset=WaveDeadline.objects.all()),
    )


# The deadline each QAD is due by.
QAD_DEADLINES = {
    SubmissionStage.INITIAL: DeadlineStage.INITIAL_QAD,
    SubmissionStage.FINAL: DeadlineStage.FINAL_QAD,
}
AGREED = (SubmissionState.AGREED_COMPLETE, SubmissionState.SIGNED)


def _agreed_deadlines(qualification: Qualification) -> set[str]:
    """The deadline stages met: their QAD is agreed complete (its submissions are read from
    the prefetch)."""
    return {QAD_DEADLINES[s.stage] for s in qualification.submissions.all() if s.state in AGREED}


def pending_deadline(qualification: Qualification) -> Deadline | None:
    """The qualification's next deadline, unless the QAD it is for is already agreed
    complete: nothing is pending then."""
    stage = DEADLINE_STAGES.get(qualification.state)
    if stage is not None and stage in _agreed_deadlines(qualification):
        return None
    return next_deadline(qualification)


def participant_panels(user: User) -> list[OrganisationPanel]:
    panels: dict[int, OrganisationPanel] = {}
    codes: dict[int, set[str]] = {}
    for membership in user.memberships.select_related("organisation").order_by(
        "organisation__legal_name"
    ):
        panel = panels.setdefault(
            membership.organisation_id, OrganisationPanel(membership.organisation, [])
        )
        panel.roles.append(membership.get_role_display())
        codes.setdefault(membership.organisation_id, set()).add(membership.role)
        panel.is_admin = panel.is_admin or membership.role == MembershipRole.ORG_ADMIN
    if not panels:
        return []
    qualifications = _with_progress(
        Qualification.objects.filter(organisation_id__in=panels).order_by("-created_at"),
        templates=False,
        # Where each section stands: the next action names the first one to finish.
        fields=(*PROGRESS_FIELDS, "section_progress"),
    )
    for qualification in qualifications:
        qualification.deadline = pending_deadline(qualification)
        for submission in qualification.submissions.all():
            remember_participant_roles(user, submission, codes[qualification.organisation_id])
        panels[qualification.organisation_id].qualifications.append(qualification)
    return list(panels.values())


def code_body_panels(user: User, roles: dict[str, str] | None = None) -> list[CodeBodyPanel]:
    """`roles`: the user's Code Body roles ({code: role}), when the caller has read them."""
    roles = code_body_roles(user) if roles is None else roles
    if not roles:
        return []
    bodies = CodeBody.objects.filter(code__in=roles).order_by("position")
    panels = {
        body.code: CodeBodyPanel(body, CodeBodyRole(roles[body.code]).label) for body in bodies
    }
    waiting = (
        Submission.objects.filter(
            state__in=AWAITING_CODE_BODY,
            qualification__roles__market_role__approvers__code__in=list(roles),
        )
        .select_related("qualification__organisation", "qualification__wave")
        .prefetch_related(
            Prefetch(
                "qualification__roles",
                queryset=QualificationRole.objects.select_related("market_role").prefetch_related(
                    "market_role__approvers"
                ),
            ),
            Prefetch(
                "revisions", queryset=Revision.objects.order_by("-number").only(*PROGRESS_FIELDS)
            ),
            Prefetch("qualification__wave__deadlines", queryset=WaveDeadline.objects.all()),
        )
        .distinct()
        .order_by("updated_at")
    )
    for submission in waiting:
        submission.qualification.deadline = next_deadline(submission.qualification)
        approvers = {
            approver.code
            for role in submission.qualification.roles.all()
            for approver in role.market_role.approvers.all()
        }
        for code in approvers & set(panels):
            panels[code].submissions.append(submission)
    return list(panels.values())


def programme_counts() -> dict[str, Any]:
    by_state = dict(Qualification.objects.values_list("state").annotate(n=Count("pk")).order_by())
    submissions = dict(Submission.objects.values_list("state").annotate(n=Count("pk")).order_by())
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.filter(is_active=True).count(),
        "qualifications_by_state": [
            (state.label, by_state.get(state.value, 0)) for state in QualificationState
        ],
        "submissions_by_state": [
            (state.label, submissions.get(state.value, 0)) for state in SubmissionState
        ],
        "qualifications": sum(by_state.values()),
    }


def home_for(user: User) -> dict[str, Any]:
    panels = participant_panels(user)
    roles = code_body_roles(user)
    return {
        "next_actions": next_actions(
            user, [q for panel in panels for q in panel.qualifications], roles
        ),
        "participant_panels": panels,
        "code_body_panels": code_body_panels(user, roles),
        "programme": programme_counts() if is_portal_admin(user) else None,
    }


def qualification_overview(
    qualification: Qualification, *, hidden: Collection[tuple[str, str]] = ()
) -> dict[str, Any]:
    """What the qualification page shows; `hidden`: (model label, id) of the objects whose
    events the reader may not see (evidence of a draft, for an assessor)."""
    qualification = _with_progress(Qualification.objects.filter(pk=qualification.pk)).get()
    qualification.deadline = pending_deadline(qualification)
    return {
        "qualification": qualification,
        "wave_calendar": wave_calendar(qualification, met=_agreed_deadlines(qualification)),
        "approvals": [
            (role, list(role.approvals.select_related("code_body", "decided_by")))
            for role in qualification.roles.all()
        ],
        "transitions": qualification.transitions.select_related("actor").order_by("-at", "-pk"),
        "activity": activity_timeline(qualification, hidden=hidden),
        "pre_qualification": PreQualification.objects.filter(qualification=qualification)
        .select_related("preferred_wave", "decided_by", "submitted_by")
        .first(),
    }
