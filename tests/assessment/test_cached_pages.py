"""The review screen, the work queue, the programme dashboard and its export, served from the
page cache, show each change at the next read."""

import re

import pytest
from django.urls import reverse

from assessment.models import Review
from assessment.services.reviews import review_assign
from tests.assessment.test_reviews import People, committed

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def reviewed(submitted):
    return submitted, Review.objects.get(submission=submitted.submission, code_body__code="BSC")


def test_an_assignment_shows_in_the_queue_and_on_the_review(client, reviewed, people: People):
    _participant, review = reviewed
    client.force_login(people.bsc_lead)
    queue = reverse("review-queue", args=["BSC"])
    assert "James Whitfield" not in text(client.get(queue)).split("<tbody", 1)[1]
    client.get(review.get_absolute_url())

    committed(review_assign, review=review, assignee=people.bsc, by=people.bsc_lead)

    assert "James Whitfield" in text(client.get(queue)).split("<tbody", 1)[1]
    assert "James Whitfield" in text(client.get(review.get_absolute_url()))


def test_a_new_qualification_shows_on_the_programme_dashboard_and_export(client, reviewed, people):
    from qualification.models import User
    from tests.participants import Participant

    admin = User.objects.create_user(email="admin@example.org", password="x", is_staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert "1 qualification ·" in text(client.get(reverse("programme")))
    export = reverse("programme-export", args=["csv"])
    assert "Meterline Data Ltd" not in client.get(export).content.decode()

    Participant("Meterline Data Ltd")

    assert "2 qualifications" in text(client.get(reverse("programme")))
    assert "Meterline Data Ltd" in client.get(export).content.decode()
