"""Answers through the API: read with their version, written only over the version read, with
the section page's rules, audited as the person via their token."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qad.models import AnswerConflict
from qad.services.answers import StaleAnswer, answer_save
from qualification.models import AuditEvent
from tests.portal.api.conftest import api_for

pytestmark = pytest.mark.django_db


def _url(participant, ref: str) -> str:
    return reverse(
        "api-answer", kwargs={"public_id": participant.submission.public_id, "question_ref": ref}
    )


def test_an_answer_is_read_with_its_version_as_etag(northwind, northwind_api):
    answer = northwind.answer("3.1")
    answer_save(
        answer=answer, value="Our model", expected_version=answer.version, by=northwind.admin
    )

    response = northwind_api.get(_url(northwind, "3.1"))

    assert response.status_code == 200
    body = response.json()
    assert body["value"] == "Our model"
    assert body["updated_by"] == "Olivia Hart"
    assert body["editable"] is True
    assert response["ETag"] == f'"{body["version"]}"'


def test_a_write_over_the_version_read_is_saved_and_audited_via_the_token(northwind, client):
    api = api_for(client, northwind.contributor, name="Compliance tracker")
    etag = api.get(_url(northwind, "3.1"))["ETag"]

    response = api.put(_url(northwind, "3.1"), {"value": "Written by our tracker"}, if_match=etag)

    assert response.status_code == 200, response.content
    assert response.json()["value"] == "Written by our tracker"
    assert response["ETag"] != etag
    assert northwind.answer("3.1").value == "Written by our tracker"
    event = AuditEvent.objects.filter(kind="answer.saved").latest("pk")
    assert event.actor == northwind.contributor
    assert event.via == "API token “Compliance tracker”"


def test_a_stale_write_gets_412_and_changes_nothing(northwind, northwind_api):
    etag = northwind_api.get(_url(northwind, "3.1"))["ETag"]
    answer = northwind.answer("3.1")
    answer_save(answer=answer, value="Theirs", expected_version=answer.version, by=northwind.admin)
    events = AuditEvent.objects.count()

    response = northwind_api.put(_url(northwind, "3.1"), {"value": "Mine"}, if_match=etag)

    assert response.status_code == 412
    problem = response.json()
    assert problem["type"].endswith("/stale")
    assert problem["current"] == {"version": northwind.answer("3.1").version, "value": "Theirs"}
    assert f'"{problem["current"]["version"]}"' != etag
    assert northwind.answer("3.1").value == "Theirs"
    assert not AnswerConflict.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_write_without_if_match_is_refused(northwind, northwind_api):
    response = northwind_api.put(_url(northwind, "3.1"), {"value": "Mine"})
    assert response.status_code == 428
    response = northwind_api.put(_url(northwind, "3.1"), {"value": "Mine"}, if_match="3")
    assert response.status_code == 400
    assert northwind.answer("3.1").value is None


@pytest.mark.parametrize(
    ("ref", "value", "message"),
    [
        ("3.1", "x" * 10_001, "the limit is 10,000"),
        ("4.1", "31/02/2026", "Enter a real date"),
        ("3.3", "outsourced", "Choose one of the options"),
        ("4.3", 100_001, "at most 100000"),
        ("4.4", [{"reference": "D-1", "colour": "red"}], "columns this table does not have"),
    ],
)
def test_a_value_the_page_would_refuse_is_refused_with_the_reason(
    northwind, northwind_api, ref, value, message
):
    etag = northwind_api.get(_url(northwind, ref))["ETag"]

    response = northwind_api.put(_url(northwind, ref), {"value": value}, if_match=etag)

    assert response.status_code == 400
    problem = response.json()
    assert message in problem["detail"]
    assert problem["errors"]["value"]
    assert northwind.answer(ref).value is None


def test_every_answer_type_is_written_as_it_is_read(northwind, northwind_api):
    values = {
        "3.2": True,
        "3.3": "provider",
        "4.1": "2026-11-30",
        "4.3": 97.5,
        "4.4": [{"reference": "DEF-12", "due": "2027-01-15"}],
    }
    for ref, value in values.items():
        etag = northwind_api.get(_url(northwind, ref))["ETag"]
        response = northwind_api.put(_url(northwind, ref), {"value": value}, if_match=etag)
        assert response.status_code == 200, response.content
        assert northwind_api.get(_url(northwind, ref)).json()["value"] == value


def test_an_evidence_only_question_is_not_answered_with_a_value(northwind, northwind_api):
    etag = northwind_api.get(_url(northwind, "4.5"))["ETag"]
    response = northwind_api.put(_url(northwind, "4.5"), {"value": ["x"]}, if_match=etag)
    assert response.status_code == 400
    assert "linking evidence" in response.json()["detail"]


def test_a_write_while_a_conflict_is_open_in_the_portal_is_refused(northwind, northwind_api):
    answer = northwind.answer("3.1")
    answer_save(answer=answer, value="Theirs", expected_version=0, by=northwind.admin)
    with pytest.raises(StaleAnswer):
        answer_save(answer=answer, value="Mine", expected_version=0, by=northwind.contributor)
    etag = northwind_api.get(_url(northwind, "3.1"))["ETag"]

    response = northwind_api.put(_url(northwind, "3.1"), {"value": "Newer"}, if_match=etag)

    assert response.status_code == 409
    assert AnswerConflict.objects.get().value == "Mine"
    assert northwind.answer("3.1").value == "Theirs"


def test_the_list_gives_every_answer_in_question_order(northwind, northwind_api):
    url = reverse("api-answers", kwargs={"public_id": northwind.submission.public_id})
    refs = [answer["question"] for answer in northwind_api.get(url).json()]
    assert refs == ["3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "4.4", "4.5"]
