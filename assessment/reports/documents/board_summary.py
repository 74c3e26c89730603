"""The board summary: the pack for one meeting of a board that decides approvals (the BSC
Performance Assurance Board).

The board decides on a summary and does not review the QAD again, so the pack gives, for
every participant on the meeting's agenda, one page: the organisation, its roles and MPIDs,
its route, where each Code Body stands (its review of the current submission and its
decision on each role), the work-off items still open, and the conditions proposed. A cover
page lists the agenda.

A participant is on the agenda when one of its roles has this board's approval set for the
meeting's date, whatever the outcome since: a pack printed after the meeting shows what was
decided.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count as CountOf
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessment.models import (
    CriterionOutcome,
    Report,
    Review,
    SmsExemptionDecision,
    WorkOffItem,
)
from assessment.reports.documents.assessment_report import work_off_entry, work_off_facts
from assessment.reports.documents.common import (
    ReportPage,
    RoleLine,
    fingerprint_of,
    lines,
    participant_facts,
    role_lines,
)
from assessment.rules import can_view_board
from assessment.selectors import SmsExemption, sms_exemptions
from qad.models import Submission
from qualification.enums import ApprovalOutcome
from qualification.models import CodeBody, Qualification, QualificationRole, RoleApproval

# Part of every board summary's fingerprint: bump it when the pack's layout or content
# changes, so that packs rendered from now on follow the new layout.
BOARD_SUMMARY_FORMAT = "board-summary/1"


@dataclass(frozen=True)
class Decision:
    role: str
    outcome: str
    outcome_label: str
    meeting_date: dt.date | None
    decided_at: dt.datetime | None
    decided_by: str
    conditions: str
    reason: str


@dataclass
class BodyPosition:
    """Where one Code Body stands on one participant."""

    code: str
    name: str
    approver_name: str
    position: int
    review_state: str = ""
    review_stage: str = ""
    completed_by: str = ""
    completed_at: dt.datetime | None = None
    outcome_counts: list[tuple[str, int]] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)


@dataclass
class AgendaEntry:
    """One participant's page in the pack."""

    qualification: Qualification
    anchor: str
    roles: list[RoleLine]
    on_agenda: list[RoleLine]
    proposed: list[tuple[str, str]]  # (role, conditions proposed by the assessors)
    bodies: list[BodyPosition] = field(default_factory=list)
    work_off: list = field(default_factory=list)  # WorkOffEntry, open items only
    other_conditions: list[tuple[str, str]] = field(default_factory=list)
    sms_exemption: SmsExemption | None = None  # when the Supplier asked for one

    @property
    def organisation(self):
        return self.qualification.organisation


def board_subject_key(code_body: CodeBody, meeting_date: dt.date) -> str:
    return f"board:{code_body.code}:{meeting_date.isoformat()}"


def _agenda(code_body_id: int, meeting_date: dt.date) -> list[RoleApproval]:
    return list(
        RoleApproval.objects.filter(code_body_id=code_body_id, meeting_date=meeting_date)
        .select_related(
            "qualification_role__qualification__organisation",
            "qualification_role__qualification__wave",
            "qualification_role__market_role",
            "qualification_role__mpid",
        )
        .order_by(
            "qualification_role__qualification__organisation__legal_name",
            "qualification_role__market_role__position",
        )
    )


def _roles(qualification_ids: list[int]) -> list[QualificationRole]:
    return list(
        QualificationRole.objects.filter(qualification_id__in=qualification_ids)
        .select_related("market_role", "mpid")
        .prefetch_related(
            Prefetch(
                "approvals",
                queryset=RoleApproval.objects.select_related("code_body", "decided_by").order_by(
                    "code_body__position"
                ),
            )
        )
        .order_by("market_role__position", "market_role__code")
    )


def _current_submissions(qualification_ids: list[int]) -> dict[int, Submission]:
    """{qualification id: its furthest submission (the Final QAD over the Initial)}."""
    current: dict[int, Submission] = {}
    for submission in Submission.objects.filter(qualification_id__in=qualification_ids).order_by(
        "created_at", "pk"
    ):
        held = current.get(submission.qualification_id)
        if held is None or (submission.stage == "final", submission.created_at) >= (
            held.stage == "final",
            held.created_at,
        ):
            current[submission.qualification_id] = submission
    return current


def board_summary_context(code_body_id: int, meeting_date: dt.date) -> dict[str, Any]:
    """Everything the board pack shows, in eight queries however many participants."""
    code_body = CodeBody.objects.get(pk=code_body_id)
    agenda = _agenda(code_body_id, meeting_date)
    qualifications: dict[int, Qualification] = {}
    scheduled: dict[int, list[RoleApproval]] = defaultdict(list)
    for approval in agenda:
        qualification = approval.qualification_role.qualification
        qualifications.setdefault(qualification.pk, qualification)
        scheduled[qualification.pk].append(approval)
    ids = list(qualifications)
    roles: dict[int, list[QualificationRole]] = defaultdict(list)
    for role in _roles(ids):
        roles[role.qualification_id].append(role)
    submissions = _current_submissions(ids)
    reviews: dict[tuple[int, int], Review] = {
        (review.submission_id, review.code_body_id): review
        for review in Review.objects.filter(
            submission_id__in=[s.pk for s in submissions.values()]
        ).select_related("completed_by")
    }
    counts: dict[int, Counter] = defaultdict(Counter)
    for row in (
        CriterionOutcome.objects.filter(review__in=reviews.values())
        .values("review_id", "outcome")
        .annotate(n=CountOf("pk"))
        .order_by()
    ):
        counts[row["review_id"]][row["outcome"]] = row["n"]
    open_items: dict[int, list] = defaultdict(list)
    for item in (
        WorkOffItem.objects.filter(qualification_id__in=ids)
        .exclude(status=WorkOffItem.Status.CLOSED)
        .select_related("closure_evidence", "exception__code_body", "exception__recorded_by")
        .order_by("due_date", "pk")
    ):
        open_items[item.qualification_id].append(work_off_entry(item))

    exemptions = sms_exemptions(qualifications.values())
    entries = []
    for qualification_id, qualification in qualifications.items():
        its_roles = roles[qualification_id]
        submission = submissions.get(qualification_id)
        entry = AgendaEntry(
            qualification=qualification,
            anchor=f"p-{len(entries) + 1}",
            roles=role_lines(its_roles),
            on_agenda=role_lines(a.qualification_role for a in scheduled[qualification_id]),
            proposed=[
                (a.qualification_role.market_role.name, lines(a.conditions))
                for a in scheduled[qualification_id]
                if a.conditions and a.outcome == ApprovalOutcome.SCHEDULED
            ],
            work_off=open_items[qualification_id],
            sms_exemption=exemptions.get(qualification_id),
        )

        positions: dict[int, BodyPosition] = {}
        for role in its_roles:
            for approval in role.approvals.all():
                body = approval.code_body
                position = positions.get(body.pk)
                if position is None:
                    position = positions[body.pk] = _position(body, submission, reviews, counts)
                position.decisions.append(_decision(role, approval))
                if (
                    body.pk != code_body_id
                    and approval.conditions
                    and approval.outcome == ApprovalOutcome.APPROVED_WITH_CONDITIONS
                ):
                    entry.other_conditions.append(
                        (
                            f"{body.approver_name} ({role.market_role.name})",
                            lines(approval.conditions),
                        )
                    )
        # This board first, then the others in their usual order.
        entry.bodies = sorted(
            positions.values(), key=lambda p: (p.code != code_body.code, p.position)
        )
        entries.append(entry)
    when = date_format(meeting_date, "j F Y")
    return {
        "title": _("%(board)s, meeting of %(date)s: board pack")
        % {"board": code_body.approver_name, "date": when},
        "code_body": code_body,
        "meeting_date": meeting_date,
        "entries": entries,
        "role_count": len(agenda),
        "prepared_at": timezone.now(),
    }


def _position(
    body: CodeBody,
    submission: Submission | None,
    reviews: dict[tuple[int, int], Review],
    counts: dict[int, Counter],
) -> BodyPosition:
    position = BodyPosition(
        code=body.code, name=body.name, approver_name=body.approver_name, position=body.position
    )
    review = reviews.get((submission.pk, body.pk)) if submission else None
    if review is not None:
        position.review_state = review.get_state_display()
        position.review_stage = submission.get_stage_display()
        if review.completed_at:
            position.completed_at = review.completed_at
            position.completed_by = review.completed_by.full_name or review.completed_by.email
        found = counts.get(review.pk, Counter())
        position.outcome_counts = [
            (str(label), found[value])
            for value, label in CriterionOutcome.Outcome.choices
            if found[value]
        ]
    return position


def _decision(role: QualificationRole, approval: RoleApproval) -> Decision:
    return Decision(
        role=role.market_role.name,
        outcome=approval.outcome,
        outcome_label=approval.get_outcome_display(),
        meeting_date=approval.meeting_date,
        decided_at=approval.decided_at,
        decided_by=(approval.decided_by.full_name or approval.decided_by.email)
        if approval.decided_by_id
        else "",
        conditions=lines(approval.conditions),
        reason=lines(approval.reason),
    )


def board_summary_fingerprint(code_body: CodeBody, meeting_date: dt.date) -> str:
    """The facts the pack shows: the agenda, every approval of the roles on it (all Code
    Bodies, with conditions and reasons), the state of each Code Body's review of the current
    submission and its outcome counts, the work-off items, and who each participant is."""
    agenda = _agenda(code_body.pk, meeting_date)
    ids = sorted({a.qualification_role.qualification_id for a in agenda})
    roles = _roles(ids)
    by_qualification: dict[int, list[QualificationRole]] = defaultdict(list)
    for role in roles:
        by_qualification[role.qualification_id].append(role)
    participants = {
        a.qualification_role.qualification_id: participant_facts(
            a.qualification_role.qualification,
            role_lines(by_qualification[a.qualification_role.qualification_id]),
        )
        for a in agenda
    }
    submissions = _current_submissions(ids)
    reviews = Review.objects.filter(submission_id__in=[s.pk for s in submissions.values()])
    facts = {
        "format": BOARD_SUMMARY_FORMAT,
        "board": [code_body.code, code_body.approver_name, meeting_date],
        "agenda": [a.pk for a in agenda],
        "participants": sorted(participants.items()),
        "approvals": sorted(
            [
                a.pk,
                a.code_body_id,
                a.outcome,
                a.meeting_date,
                a.conditions,
                a.reason,
                a.decided_by_id,
                a.decided_at,
            ]
            for role in roles
            for a in role.approvals.all()
        ),
        "submissions": sorted([s.pk, s.stage] for s in submissions.values()),
        "sms_exemption": sorted(
            SmsExemptionDecision.objects.filter(qualification_id__in=ids).values_list(
                "qualification_id", "code_body_id", "decided_on", "reference"
            )
        ),
        "reviews": list(
            reviews.order_by("pk").values_list(
                "pk", "code_body_id", "state", "completed_by_id", "completed_at"
            )
        ),
        "outcomes": list(
            CriterionOutcome.objects.filter(review__in=reviews)
            .values_list("review_id", "outcome")
            .annotate(n=CountOf("pk"))
            .order_by("review_id", "outcome")
        ),
        "work_off": work_off_facts(ids),
    }
    return fingerprint_of(facts)


def board_summary_filename(report: Report) -> str:
    return f"board-pack-{report.code_body.code.lower()}-{report.meeting_date.isoformat()}.pdf"


def can_view_board_summary(user, report: Report) -> bool:
    return report.code_body_id is not None and can_view_board(user, report.code_body)


def board_summary_page(report: Report) -> ReportPage:
    code_body = report.code_body
    when = date_format(report.meeting_date, "j F Y")
    return ReportPage(
        title=f"{_('Board pack')} · {code_body.code} · {when}",
        heading=_("The board pack for %(date)s, as a PDF") % {"date": when},
        intro=_(
            "A page for every participant on the agenda of the %(board)s meeting of %(date)s: "
            "its roles and MPIDs, route, where each Code Body stands, open work-off items and "
            "the conditions proposed."
        )
        % {"board": code_body.approver_name, "date": when},
        breadcrumbs=[
            (_("Work queue"), reverse("review-queue", args=[code_body.code])),
            (_("Board meetings"), reverse("board-meetings", args=[code_body.code])),
        ],
        retry_url=reverse(
            "report-request-board", args=[code_body.code, report.meeting_date.isoformat()]
        ),
    )
