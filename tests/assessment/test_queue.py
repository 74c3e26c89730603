"""The work queue: the review clock stops while the participant has the submission, and the
filters and sort orders a lead assessor uses narrow and order the rows."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import Review
from qad.services.submissions import submission_submit
from tests.assessment.test_reviews import committed, review, text
from tests.participants import Participant
from tests.qad.test_submit_and_sign import fill

pytestmark = pytest.mark.django_db

OVERDUE = '<span class="badge text-bg-danger">Overdue</span>'


def queue(client, **filters) -> str:
    return text(client.get(reverse("review-queue", args=["BSC"]), filters))


def test_the_clock_stops_while_the_participant_answers(client, submitted, people):
    bsc = review(submitted, "BSC")
    Review.objects.filter(pk=bsc.pk).update(
        state=Review.State.AWAITING_PARTICIPANT,
        waiting_since=timezone.now() - dt.timedelta(days=40),
    )
    client.force_login(people.bsc_lead)
    page = queue(client)
    assert "With the participant: the clock is stopped" in page
    assert OVERDUE not in page
    assert "Northwind Energy Supply Ltd" not in queue(client, overdue="yes")

    Review.objects.filter(pk=bsc.pk).update(state=Review.State.IN_REVIEW)
    assert OVERDUE in queue(client), "back with the assessor, the 40 days count"


def test_filters_and_sorting_narrow_and_order_the_queue(client, submitted, people):
    brightwatt = Participant("Brightwatt Energy Ltd")
    fill(brightwatt)
    committed(
        submission_submit, submission=brightwatt.submission, by=brightwatt.admin, revision_number=1
    )
    Review.objects.filter(submission=submitted.submission, code_body__code="BSC").update(
        assignee=people.bsc, waiting_since=timezone.now() - dt.timedelta(days=3)
    )
    client.force_login(people.bsc_lead)

    mine = queue(client, assignee=str(people.bsc.pk))
    assert "Northwind Energy Supply Ltd" in mine and "Brightwatt" not in mine
    unassigned = queue(client, assignee="none")
    assert "Brightwatt Energy Ltd" in unassigned and "Northwind" not in unassigned

    waiting_longest = queue(client)
    assert waiting_longest.index("Northwind") < waiting_longest.index("Brightwatt")
    by_name = queue(client, sort="organisation")
    assert by_name.index("Brightwatt") < by_name.index("Northwind")

    assert "Northwind" not in queue(client, stage="final")
    assert "Northwind" in queue(client, stage="initial")
    route = submitted.submission.qualification.route
    assert "Northwind" in queue(client, route=route)
    assert "Northwind" not in queue(client, route="enduring" if route != "enduring" else "sit")
