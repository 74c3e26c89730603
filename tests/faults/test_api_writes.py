"""Writes through the API meet what a page's saves meet: a database restart (a problem to
send again, nothing half saved, a warning in the log) and another person saving the same
answer at the same moment (one text saved, the other never lost)."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from qad.models import AnswerConflict
from tests.faults.conftest import at_once, needs_postgres
from tests.portal.api.conftest import api_for
from tests.qad.test_database_unavailable import database_unreachable, prepared_autosave


def _put(secret: str, participant, value: str, etag: str):
    url = reverse(
        "api-answer", kwargs={"public_id": participant.submission.public_id, "question_ref": "3.1"}
    )

    def send(client=None):
        client = client or Client(raise_request_exception=False)
        return client.put(
            url,
            json.dumps({"value": value}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {secret}", "If-Match": etag},
        )

    return send


@pytest.mark.django_db
def test_an_api_write_during_a_database_restart_is_a_problem_to_send_again(
    client, northwind, caplog
):
    api = api_for(client, northwind.contributor)
    etag = api.get(
        reverse(
            "api-answer",
            kwargs={"public_id": northwind.submission.public_id, "question_ref": "3.1"},
        )
    )["ETag"]
    write = _put(api.secret, northwind, "Sent during the restart", etag)

    with caplog.at_level(logging.INFO), database_unreachable():
        response = write()

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "30"
    assert "Nothing was saved" in response.json()["detail"]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert northwind.answer("3.1").value is None

    assert write().status_code == 200
    assert northwind.answer("3.1").value == "Sent during the restart"


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@needs_postgres()
def test_an_api_write_and_a_page_autosave_of_one_version_lose_neither_text(
    reference_data, journey_template
):
    from tests.participants import Participant

    participant = Participant()
    for round_number in range(5):
        answer = participant.answer("3.1")
        etag = f'"{answer.version}"'
        api = api_for(Client(), participant.contributor)
        page = Client(raise_request_exception=False)
        page.force_login(participant.admin)
        through_api = f"From the tracker, round {round_number}"
        typed = f"Typed on the page, round {round_number}"
        autosave = prepared_autosave(participant, "3.1", typed)

        api_response, page_response = at_once(
            _put(api.secret, participant, through_api, etag),
            lambda save=autosave, client=page: save(client),
        )

        stored = participant.answer("3.1")
        assert stored.version == answer.version + 1
        assert api_response.status_code in (200, 412), api_response.content
        if api_response.status_code == 200:
            # The page's text is kept for its writer as a conflict to settle.
            kept = AnswerConflict.objects.get(answer=stored, resolved_at__isnull=True)
            assert (stored.value, kept.value) == (through_api, typed)
            AnswerConflict.objects.filter(pk=kept.pk).update(resolved_at=stored.updated_at)
        else:
            # The system is told, with the current text; it still holds its own.
            assert stored.value == typed
            assert api_response.json()["current"]["value"] == typed
            assert not AnswerConflict.objects.filter(resolved_at__isnull=True).exists()
        assert page_response.status_code == 200
