"""The API tokens page: a person makes a token (shown once), sees theirs, revokes one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from qualification.models import ApiToken

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _make(client, **fields):
    expires = (timezone.localdate() + dt.timedelta(days=60)).strftime("%d/%m/%Y")
    return client.post(
        reverse("api-tokens"),
        {"name": "Compliance tracker", "expires_on": expires, "scope": "read_write", **fields},
    )


def test_a_token_is_shown_once_then_listed_by_name_and_prefix(client, northwind):
    client.force_login(northwind.contributor)

    made = _make(client)

    assert made.status_code == 302
    shown = client.get(made["Location"]).content.decode()
    secret = re.search(r'id="token-secret">(qad_[^<]+)<', shown).group(1)
    token = ApiToken.objects.get(user=northwind.contributor)
    assert token.scope == "read_write"
    listed = _text(client.get(reverse("api-tokens")))
    assert secret not in listed
    assert "Compliance tracker" in listed and f"({token.prefix}…)" in listed
    assert "Read and write" in listed
    assert (
        client.get(
            reverse("api-qualifications"), headers={"Authorization": f"Bearer {secret}"}
        ).status_code
        == 200
    )


def test_the_expiry_is_a_british_date_and_bad_input_says_why(client, northwind):
    client.force_login(northwind.contributor)

    american = _make(client, expires_on="12/31/2027")
    too_late = _make(
        client, expires_on=(timezone.localdate() + dt.timedelta(days=400)).strftime("%d/%m/%Y")
    )

    assert american.status_code == 400
    assert "for example 31/12/2027" in _text(american)
    assert too_late.status_code == 400
    assert "at most a year" in _text(too_late)
    assert 'value="Compliance tracker"' in too_late.content.decode(), "what was typed is kept"
    assert not ApiToken.objects.exists()


def test_a_revoked_token_stops_working_and_says_so(client, northwind):
    client.force_login(northwind.contributor)
    shown = client.get(_make(client)["Location"]).content.decode()
    secret = re.search(r'id="token-secret">(qad_[^<]+)<', shown).group(1)
    token = ApiToken.objects.get()

    response = client.post(reverse("api-token-revoke", args=[token.public_id]), follow=True)

    assert "no longer works" in _text(response)
    assert "Revoked" in _text(response)
    assert (
        client.get(
            reverse("api-qualifications"), headers={"Authorization": f"Bearer {secret}"}
        ).status_code
        == 401
    )
