"""A Supplier's QAD in the Code Bodies' hands, arranged through the services the pages call:
reviewed (outcomes, automated checks, a clarification answered, a work-off item), agreed,
signed, put before the BSC's board and approved."""

from __future__ import annotations

import datetime as dt

from django.test import TestCase
from django.utils import timezone

from assessment.models import Clarification, Criterion, Review, WorkOffItem
from assessment.services.clarifications import clarification_answer
from assessment.services.criteria import criteria_set_load
from assessment.services.decisions import approval_decide, approval_schedule
from assessment.services.reviews import (
    outcome_record,
    review_assign,
    review_complete,
    review_send_clarifications,
)
from assessment.services.workoff import work_off_save
from qad.enums import SubmissionState
from qad.models import Revision
from qad.services.submissions import final_qad_start, submission_submit
from qualification.enums import ApprovalOutcome, CodeBodyRole
from qualification.models import RoleApproval, User
from tests.assessment.files import execution_log, passing_log
from tests.evidence.factories import attach
from tests.participants import declare, load_journey_template
from tests.qad.test_submit_and_sign import fill
from tests.qualification.factories import CodeBodyMemberFactory, code_body
from tests.version_files import JOURNEY_CRITERIA, as_bytes, journey_criteria_doc

ANSWERS = {
    "3.1": "We operate MHHS in house.",
    "3.2": True,
    "3.3": "in_house",
    "4.1": "2025-03-01",
    "4.2": "2025-05-30",
    "4.3": 412,
    "4.4": [{"reference": "DEF-1", "due": "2031-12-31"}],
}
CLARIFICATION = "Testing finished on 30 May 2025 here, but on 2 June in the exit report. Which?"
CLARIFICATION_ANSWER = "30 May 2025 is right; the exit report was signed on 2 June."
NOT_MET_COMMENT = "DEF-1 has no owner in the defect log."
MET_COMMENT = "Clear and evidenced."
REC_CONDITIONS = "Close DEF-1 by 31 January 2027 and send the closure report."
WORK_OFF_DESCRIPTION = "Late meter readings are rejected by the DIP adapter."


def committed(call, *args, **kwargs):
    """Run a service as a request runs it: the follow-up work (checks, reviews, e-mail) once
    the transaction commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return call(*args, **kwargs)


class Staff:
    """The Code Bodies' people."""

    def __init__(self):
        self.bsc_lead = self._member("BSC", CodeBodyRole.LEAD_ASSESSOR, "Helen Carter")
        self.bsc = self._member("BSC", CodeBodyRole.ASSESSOR, "James Whitfield")
        self.bsc_reader = self._member("BSC", CodeBodyRole.REVIEWER, "Priya Board-Member")
        self.rec_lead = self._member("REC", CodeBodyRole.LEAD_ASSESSOR, "Owen Price")
        self.rec = self._member("REC", CodeBodyRole.ASSESSOR, "Nadia Hussain")
        self.dip_lead = self._member("DIP", CodeBodyRole.LEAD_ASSESSOR, "Grace Kim")

    @staticmethod
    def _member(code: str, role: str, name: str) -> User:
        return CodeBodyMemberFactory(
            code_body=code_body(code), role=role, user__full_name=name
        ).user


def load_checked_journey() -> None:
    """The journey QAD with the BSC's criteria that run automated checks, and the REC's."""
    load_journey_template(criteria=False)
    criteria_set_load(filename="journey-bsc.yaml", content=as_bytes(journey_criteria_doc()))
    criteria_set_load(filename="journey-rec.yaml", content=as_bytes(JOURNEY_CRITERIA["REC"]))


def review_of(participant, code: str) -> Review:
    return Review.objects.select_related("code_body", "submission").get(
        submission=participant.submission, code_body__code=code
    )


def criterion(ref: str) -> Criterion:
    return Criterion.objects.get(ref=ref, criteria_set__version="99.0")


def submit_for_review(participant) -> Revision:
    """The journey QAD answered with a passing test log attached, submitted: the checks run
    and each approving Code Body's review opens."""
    fill(participant, ANSWERS)
    attach(
        participant,
        "4.5",
        execution_log(passing_log(12)),
        name="pit-log.csv",
        title="PIT execution log",
        evidence_type="process_document",
    )
    revision = participant.revision
    committed(
        submission_submit,
        submission=participant.submission,
        by=participant.admin,
        revision_number=revision.number,
    )
    return revision


def resubmit(participant) -> Revision:
    """The participant, having answered the clarifications, submits the next revision."""
    revision = participant.revision
    committed(
        submission_submit,
        submission=participant.submission,
        by=participant.admin,
        revision_number=revision.number,
    )
    return revision


def first_pass(participant, staff: Staff) -> Review:
    """The BSC's first look: one criterion met, one not met, one needing a clarification,
    which is sent and answered; the participant records a work-off item."""
    review = review_of(participant, "BSC")
    committed(review_assign, review=review, assignee=staff.bsc, by=staff.bsc_lead)
    outcome_record(
        review=review,
        criterion=criterion("J-3-01"),
        outcome="met",
        comment=MET_COMMENT,
        by=staff.bsc,
    )
    outcome_record(
        review=review,
        criterion=criterion("J-4-02"),
        outcome="not_met",
        comment=NOT_MET_COMMENT,
        by=staff.bsc,
    )
    outcome_record(
        review=review,
        criterion=criterion("J-4-01"),
        outcome="clarification",
        comment=CLARIFICATION,
        by=staff.bsc,
        clarification_question=participant.answer("4.2").question,
    )
    committed(review_send_clarifications, review=review, by=staff.bsc)
    clarification_answer(
        clarification=Clarification.objects.get(submission=participant.submission),
        text=CLARIFICATION_ANSWER,
        by=participant.admin,
    )
    work_off_save(
        qualification=participant.qualification,
        by=participant.admin,
        defect_reference="DEF-1",
        description=WORK_OFF_DESCRIPTION,
        owner="Test Lead",
        due_date=dt.date(2031, 12, 31),
        status=WorkOffItem.Status.OPEN,
        required=True,
    )
    review.refresh_from_db()
    return review


def complete_review(participant, code: str, assessor: User, lead: User) -> Review:
    """Every criterion of the Code Body met, then its lead marks the assessment complete."""
    from assessment.services.reviews import applicable_criteria

    review = review_of(participant, code)
    for each in applicable_criteria(review, participant.revision):
        outcome_record(
            review=review, criterion=each, outcome="met", comment=MET_COMMENT, by=assessor
        )
    committed(review_complete, review=review, by=lead)
    review.refresh_from_db()
    return review


def agreed_and_signed(participant, staff: Staff) -> None:
    """Initial QAD submitted; Final QAD started, submitted, assessed complete by all three
    Code Bodies and signed: the qualification awaits approval."""
    from qad.services.signing import submission_sign
    from tests.qualification.factories import PASSWORD

    participant.submission.refresh_from_db()
    if participant.submission.stage == "initial":
        if participant.submission.state == SubmissionState.CLARIFICATION_REQUESTED:
            resubmit(participant)
        elif not participant.revision.is_frozen:
            submit_for_review(participant)
        participant.submission = final_qad_start(
            qualification=participant.qualification, by=participant.admin
        )
        declare(participant.submission, by=participant.admin)
    committed(
        submission_submit,
        submission=participant.submission,
        by=participant.admin,
        revision_number=participant.revision.number,
    )
    complete_review(participant, "BSC", staff.bsc, staff.bsc_lead)
    complete_review(participant, "REC", staff.rec, staff.rec_lead)
    complete_review(participant, "DIP", staff.dip_lead, staff.dip_lead)
    committed(
        submission_sign,
        submission=participant.submission,
        user=participant.signatory,
        password=PASSWORD,
        declaration_confirmed=True,
    )
    participant.qualification.refresh_from_db()


def approval(participant, code: str, role: str = "SUP") -> RoleApproval:
    return RoleApproval.objects.select_related("code_body", "qualification_role").get(
        qualification_role__qualification=participant.qualification,
        qualification_role__market_role__code=role,
        code_body__code=code,
    )


def next_meeting(days: int = 0) -> dt.date:
    """A board meeting `days` from today; today by default, so that its decision can be
    recorded at once (a board's decision is recorded from the day it meets)."""
    return timezone.localdate() + dt.timedelta(days=days)


def schedule_for_board(
    participant, staff: Staff, meeting_date: dt.date, *, conditions: str = "", role: str = "SUP"
) -> RoleApproval:
    return committed(
        approval_schedule,
        approval=approval(participant, "BSC", role),
        meeting_date=meeting_date,
        by=staff.bsc_lead,
        conditions=conditions,
    )


def decide(participant, lead: User, code: str, outcome: str, *, role: str = "SUP", **text):
    return committed(
        approval_decide,
        approval=approval(participant, code, role),
        outcome=outcome,
        by=lead,
        **text,
    )


def approve_everywhere(participant, staff: Staff, meeting_date: dt.date, *, role="SUP") -> None:
    """Every Code Body that approves the role approves it: the DIP Manager outright, the REC
    Code Manager with conditions, the BSC's board at `meeting_date`. The role is Qualified.
    Decisions already taken are left as they are."""
    undecided = (ApprovalOutcome.PENDING, ApprovalOutcome.SCHEDULED)
    bodies = set(
        RoleApproval.objects.filter(
            qualification_role__qualification=participant.qualification,
            qualification_role__market_role__code=role,
            outcome__in=undecided,
        ).values_list("code_body__code", flat=True)
    )
    if "DIP" in bodies:
        decide(participant, staff.dip_lead, "DIP", ApprovalOutcome.APPROVED, role=role)
    if "REC" in bodies:
        decide(
            participant,
            staff.rec_lead,
            "REC",
            ApprovalOutcome.APPROVED_WITH_CONDITIONS,
            role=role,
            conditions=REC_CONDITIONS,
        )
    if "BSC" in bodies:
        if approval(participant, "BSC", role).outcome != ApprovalOutcome.SCHEDULED:
            schedule_for_board(participant, staff, meeting_date, role=role)
        decide(participant, staff.bsc_lead, "BSC", ApprovalOutcome.APPROVED, role=role)
