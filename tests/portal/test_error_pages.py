"""What a person meets when a page is not there, not theirs, or fails: the portal's own pages,
saying what happened and where to go."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from tests.participants import Participant

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_the_portal_s_own_with_the_way_home(client, journey_template):
    participant = Participant()
    client.force_login(participant.contributor)

    response = client.get("/submissions/not-a-submission/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and "QAD Portal" in page
    assert 'href="/"' in page and "Go to your home page" in page


def test_a_refusal_says_why_in_the_portal_s_layout(client, journey_template):
    participant = Participant()
    client.force_login(participant.admin)

    response = client.get("/versions/")

    page = response.content.decode()
    assert response.status_code == 403
    assert "You cannot do this" in page
    assert "Only portal admins can open this page." in page
    assert "Go to your home page" in page


def test_a_server_error_page_needs_no_request_and_keeps_the_person_calm(settings):
    response = server_error(RequestFactory().get("/"))

    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "nothing you had already saved is lost" in page
