"""What each person should do next, first on their home page: the section of their QAD to
continue, the clarifications to answer, the criteria left to assess, the decisions to
record. One line each, each a link straight to the place where it is done."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessment.models import Clarification, Review
from assessment.selectors import criteria_left
from qad.enums import SubmissionState
from qad.models import Submission
from qad.rules import can_edit_submission, is_participant, signing_capacity
from qualification.enums import ApprovalOutcome, CodeBodyRole, QualificationState
from qualification.models import Qualification, RoleApproval, User

# Enough to act on at a glance; the lists below on the page hold the rest.
SHOWN = 6


@dataclass(frozen=True)
class NextAction:
    text: str
    url: str


def next_actions(
    user: User, qualifications: list[Qualification], roles: dict[str, str]
) -> list[NextAction]:
    """The person's next actions: as a participant on `qualifications` (their organisations',
    loaded for the home page with their revisions' progress), then as an assessor and as a
    lead assessor (`roles`: their Code Body roles, {code: role})."""
    actions = _participant_actions(user, qualifications)
    if roles:
        actions += _assessor_actions(user)
        leads = [code for code, role in roles.items() if role == CodeBodyRole.LEAD_ASSESSOR]
        if leads:
            actions += _lead_actions(leads)
    return actions[:SHOWN]


def _section_key(ref: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in ref.split("."))


def _participant_actions(user: User, qualifications: list[Qualification]) -> list[NextAction]:
    drafts: list[tuple[Qualification, Submission]] = []
    actions: list[NextAction] = []
    for qualification in qualifications:
        if qualification.state == QualificationState.PRE_QUALIFICATION:
            actions.append(
                NextAction(
                    _("Complete your Pre-Qualification Submission"),
                    reverse("pqs-edit", args=[qualification.public_id]),
                )
            )
            continue
        submission = qualification.current_submission
        if submission is None:
            continue
        submission.qualification = qualification
        stage = submission.get_stage_display()
        if (
            submission.state == SubmissionState.DRAFT and can_edit_submission(user, submission)
        ) or (
            submission.state == SubmissionState.CLARIFICATION_REQUESTED
            and is_participant(user, submission)
        ):
            drafts.append((qualification, submission))
        elif submission.state == SubmissionState.AGREED_COMPLETE and signing_capacity(
            user, submission
        ):
            actions.append(
                NextAction(
                    _("Sign your %(stage)s: every Code Body has agreed it") % {"stage": stage},
                    reverse("submission-sign", args=[submission.public_id]),
                )
            )
    open_threads = _open_clarifications([s for _q, s in drafts])
    for _qualification, submission in drafts:
        stage = submission.get_stage_display()
        asked = open_threads.get(submission.pk, 0)
        if asked:
            actions.append(
                NextAction(
                    ngettext(
                        "Answer %(n)s clarification on your %(stage)s",
                        "Answer %(n)s clarifications on your %(stage)s",
                        asked,
                    )
                    % {"n": asked, "stage": stage},
                    reverse("submission-detail", args=[submission.public_id]),
                )
            )
            continue
        revision = submission.latest_revision
        sections = (revision.section_progress if revision else None) or {}
        unfinished = sorted(
            (ref for ref, (done, required) in sections.items() if done < required),
            key=_section_key,
        )
        if unfinished:
            actions.append(
                NextAction(
                    _("Continue section %(ref)s of your %(stage)s")
                    % {
                        "ref": unfinished[0],
                        "stage": stage,
                    },
                    reverse("submission-section", args=[submission.public_id, unfinished[0]]),
                )
            )
        else:
            actions.append(
                NextAction(
                    _("Check and submit your %(stage)s") % {"stage": stage},
                    reverse("submission-checklist", args=[submission.public_id]),
                )
            )
    return actions


def _open_clarifications(submissions: list[Submission]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for submission_id in Clarification.objects.filter(
        submission__in=[
            s.pk for s in submissions if s.state == SubmissionState.CLARIFICATION_REQUESTED
        ],
        state=Clarification.State.OPEN,
    ).values_list("submission_id", flat=True):
        counts[submission_id] = counts.get(submission_id, 0) + 1
    return counts


def _assessor_actions(user: User) -> list[NextAction]:
    actions = []
    reviews = (
        Review.objects.filter(assignee=user, state__in=Review.CLOCK_RUNNING)
        .select_related(
            "code_body", "submission__qualification__organisation", "submission__template"
        )
        .order_by("waiting_since", "pk")[:SHOWN]
    )
    for review in reviews:
        left = criteria_left(review)
        organisation = review.submission.qualification.organisation.legal_name
        text = (
            ngettext(
                "%(n)s criterion to assess for %(org)s",
                "%(n)s criteria to assess for %(org)s",
                left,
            )
            % {"n": left, "org": organisation}
            if left
            else _("Complete the %(body)s assessment of %(org)s")
            % {"body": review.code_body.code, "org": organisation}
        )
        actions.append(NextAction(text, review.get_absolute_url()))
    return actions


def _lead_actions(codes: list[str]) -> list[NextAction]:
    actions = []
    waiting: dict[tuple[int, str], list[RoleApproval]] = {}
    for approval in (
        RoleApproval.objects.filter(
            code_body__code__in=codes,
            outcome=ApprovalOutcome.PENDING,
            qualification_role__qualification__state=QualificationState.AWAITING_APPROVAL,
        )
        .select_related("code_body", "qualification_role__qualification__organisation")
        .order_by("qualification_role__qualification__created_at")
    ):
        qualification = approval.qualification_role.qualification
        waiting.setdefault((qualification.pk, approval.code_body.code), []).append(approval)
    for (_pk, code), approvals in waiting.items():
        qualification = approvals[0].qualification_role.qualification
        actions.append(
            NextAction(
                ngettext(
                    "Record the %(body)s decision for %(n)s role of %(org)s",
                    "Record the %(body)s decision for %(n)s roles of %(org)s",
                    len(approvals),
                )
                % {"body": code, "n": len(approvals), "org": qualification.organisation.legal_name},
                reverse("qualification-detail", args=[qualification.public_id]),
            )
        )
    return actions
