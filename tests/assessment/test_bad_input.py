"""Bad input to the Code Body's forms: a clear message, nothing changed, never a server
error, whatever is typed into or tampered with in the form."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from assessment.models import CriterionOutcome, ReviewAssignment, WorkOffException, WorkOffItem
from tests.assessment.test_reviews import criterion, review

pytestmark = pytest.mark.django_db


def told(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"outcome": ""}, "Choose an outcome."),
        ({"outcome": "not_met", "comment": ""}, "Say why, so the participant knows what to do."),
        ({"outcome": "met", "question": "1 OR 1=1"}, ""),
    ],
)
def test_an_outcome_that_cannot_be_recorded_changes_nothing(
    client, submitted, people, data, message
):
    client.force_login(people.bsc)
    url = reverse(
        "outcome-record",
        args=[review(submitted, "BSC").public_id, criterion(submitted, "BSC-3").pk],
    )
    response = client.post(url, data)
    assert response.status_code == 302
    if message:
        assert message in told(response)
        assert not CriterionOutcome.objects.exists()


@pytest.mark.parametrize("assignee", ["", "not-a-number", "999999"])
def test_assigning_to_nobody_or_to_a_made_up_id_is_refused(client, submitted, people, assignee):
    client.force_login(people.bsc_lead)
    url = reverse("review-assign", args=[review(submitted, "BSC").public_id])
    response = client.post(url, {"assignee": assignee})
    assert response.status_code == 302 and "Choose an assessor." in told(response)
    assert not ReviewAssignment.objects.exists()


@pytest.fixture
def open_item(final_in_review):
    return WorkOffItem.objects.create(
        qualification=final_in_review.qualification,
        defect_reference="DEF-101",
        description="Late readings rejected",
        owner="Test Lead",
        due_date=dt.date.today() + dt.timedelta(days=30),
        created_by=final_in_review.admin,
    )


def test_a_second_exception_for_the_same_item_is_refused_with_a_message(
    client,
    final_in_review,
    people,
    open_item,
):
    client.force_login(people.bsc_lead)
    url = reverse("work-off", args=[final_in_review.qualification.public_id])
    data = {
        "exception_for": open_item.public_id,
        "code_body": "BSC",
        "reason": "Agreed with the Programme: fix in the January release.",
    }
    client.post(url, data)
    again = client.post(url, data)
    assert again.status_code == 302
    assert "An exception is already recorded for DEF-101." in told(again)
    assert WorkOffException.objects.count() == 1


@pytest.mark.parametrize("field", ["exception_for", "item"])
def test_a_tampered_work_off_identifier_is_not_found(client, final_in_review, people, field):
    client.force_login(people.bsc_lead)
    url = reverse("work-off", args=[final_in_review.qualification.public_id])
    response = client.post(url, {field: "not-a-uuid", "code_body": "BSC", "reason": "x" * 20})
    assert response.status_code == 404
    assert not WorkOffException.objects.exists()


def test_a_made_up_organisation_in_the_audit_filter_lists_nothing(admin_client, submitted):
    response = admin_client.get(reverse("audit"), {"organisation": "not-a-uuid"})
    assert response.status_code == 200 and "Nothing recorded." in response.content.decode()


def test_a_meeting_date_that_is_not_a_date_is_refused(client, submitted, people):
    from qualification.models import RoleApproval

    approval = RoleApproval.objects.get(
        qualification_role__qualification=submitted.qualification, code_body__code="BSC"
    )
    client.force_login(people.bsc_lead)
    response = client.post(
        reverse("approval-decide", args=[approval.public_id]), {"meeting_date": "next Tuesday"}
    )
    assert response.status_code == 302 and "Enter the meeting date as a date." in told(response)
    before = (approval.outcome, approval.meeting_date)
    approval.refresh_from_db()
    assert (approval.outcome, approval.meeting_date) == before
