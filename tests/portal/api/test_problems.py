"""Every API error in one shape (RFC 9457), and a request budget per token."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.api.throttling import PerToken
from tests.portal.api.conftest import api_for

pytestmark = pytest.mark.django_db


def test_no_token_is_401_with_problem_details_and_how_to_authenticate(client):
    response = client.get(reverse("api-qualifications"))

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    problem = response.json()
    assert problem["type"] == "/api/v1/problems/not-authenticated"
    assert problem["status"] == 401 and problem["title"] and problem["detail"]


def test_another_organisations_qad_is_404_with_problem_details(client, northwind, meterline):
    api = api_for(client, meterline.contributor)
    url = reverse("api-submission", kwargs={"public_id": northwind.submission.public_id})
    response = api.get(url)
    assert response.status_code == 404
    assert response.json()["type"] == "/api/v1/problems/not-found"
    assert "Northwind" not in response.content.decode()


def test_a_body_that_is_not_json_is_refused_clearly(client, northwind):
    api = api_for(client, northwind.contributor)
    url = reverse(
        "api-answer", kwargs={"public_id": northwind.submission.public_id, "question_ref": "3.1"}
    )
    response = client.put(
        url,
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.secret}", "If-Match": '"0"'},
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert northwind.answer("3.1").value is None


def test_a_token_over_its_budget_waits_with_retry_after(client, northwind, monkeypatch):
    monkeypatch.setattr(PerToken, "THROTTLE_RATES", {"token": "3/min"})
    api = api_for(client, northwind.contributor)
    other = api_for(client, northwind.admin)
    url = reverse("api-qualifications")

    statuses = [api.get(url).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    refused = api.get(url)
    assert refused.json()["type"] == "/api/v1/problems/throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert other.get(url).status_code == 200, "each token has its own budget"
