"""Recording an approval decision: the decision is chosen, read back and confirmed before
anything is written, and the record says who confirmed it."""

import re

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from qualification.enums import ApprovalOutcome
from qualification.models import AuditEvent
from tests.assessment.decision_data import (
    Staff,
    agreed_and_signed,
    approval,
    committed,
    load_checked_journey,
    next_meeting,
    schedule_for_board,
)
from tests.participants import Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting_approval(db):
    load_checked_journey()
    staff = Staff()
    participant = Participant()
    agreed_and_signed(participant, staff)
    return participant, staff


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def post(client, participant, data):
    url = reverse("approval-decide", args=[approval(participant, "REC").public_id])
    return committed(client.post, url, data, follow=True)


def test_the_decision_list_starts_with_no_decision_chosen(client, awaiting_approval):
    participant, staff = awaiting_approval
    client.force_login(staff.rec_lead)

    page = client.get(participant.qualification.get_absolute_url()).content.decode()

    assert '<option value="" selected>Choose a decision</option>' in page
    refused = post(client, participant, {"outcome": "", "confirmed": "yes"})
    assert "Choose a decision." in text(refused)
    assert approval(participant, "REC").outcome == ApprovalOutcome.PENDING


def test_a_decision_is_read_back_and_written_only_once_confirmed(client, awaiting_approval):
    participant, staff = awaiting_approval
    client.force_login(staff.rec_lead)
    decision = {"outcome": "approved_with_conditions", "conditions": "Close DEF-7 by March."}

    asked = post(client, participant, decision)

    page = text(asked)
    assert "Confirm the decision" in page and "Nothing is recorded yet." in page
    for fact in (
        "Organisation Northwind Energy Supply Ltd",
        "Market role Supplier",
        "Decided by REC Code Manager",
        "Decision Approved with conditions",
        "Conditions Close DEF-7 by March.",
    ):
        assert fact in page
    assert approval(participant, "REC").outcome == ApprovalOutcome.PENDING
    assert not AuditEvent.objects.filter(kind="approval.decided").exists()

    post(client, participant, {**decision, "confirmed": "yes"})

    recorded = approval(participant, "REC")
    assert (recorded.outcome, recorded.conditions, recorded.decided_by) == (
        ApprovalOutcome.APPROVED_WITH_CONDITIONS,
        "Close DEF-7 by March.",
        staff.rec_lead,
    )
    event = AuditEvent.objects.get(kind="approval.decided")
    assert event.after["confirmed_by"] == staff.rec_lead.email


def test_a_decision_that_cannot_be_recorded_is_refused_before_the_read_back(
    client, awaiting_approval
):
    participant, staff = awaiting_approval
    client.force_login(staff.rec_lead)

    refused = post(client, participant, {"outcome": "approved_with_conditions"})

    assert "Write down the conditions." in text(refused)
    assert "Confirm the decision" not in text(refused)


def test_a_board_decision_cannot_be_recorded_before_the_board_meets(client, awaiting_approval):
    participant, staff = awaiting_approval
    meeting = next_meeting(7)
    schedule_for_board(participant, staff, meeting)
    client.force_login(staff.bsc_lead)
    url = reverse("approval-decide", args=[approval(participant, "BSC").public_id])

    refused = committed(client.post, url, {"outcome": "approved", "confirmed": "yes"}, follow=True)

    assert (
        f"The BSC Performance Assurance Board meets on {date_format(meeting, 'j M Y')}: its "
        "decision can be recorded from that day." in text(refused)
    )
    assert approval(participant, "BSC").outcome == ApprovalOutcome.SCHEDULED
    assert not AuditEvent.objects.filter(
        kind="approval.decided", summary__contains="Performance Assurance Board"
    ).exists()


def test_only_the_approving_body_s_lead_is_shown_the_read_back(client, awaiting_approval):
    participant, staff = awaiting_approval
    for outsider in (staff.bsc_lead, staff.rec, participant.admin):
        client.force_login(outsider)

        refused = post(client, participant, {"outcome": "approved"})

        assert "Confirm the decision" not in text(refused)
        assert approval(participant, "REC").outcome == ApprovalOutcome.PENDING
