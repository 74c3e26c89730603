"""Qualifications, a QAD's status and progress, and the questions it asks, through the API."""

from __future__ import annotations

import pytest
from django.test import TestCase
from django.urls import reverse

from qad.services.answers import revision_recompute_completeness
from qad.services.submissions import submission_submit
from qualification.enums import CodeBodyRole
from tests.participants import Participant
from tests.portal.api.conftest import api_for
from tests.qad.test_submit_and_sign import fill
from tests.qualification.factories import CodeBodyMemberFactory, code_body

pytestmark = pytest.mark.django_db


def _submit(participant) -> None:
    fill(participant)
    with TestCase.captureOnCommitCallbacks(execute=True):
        submission_submit(
            submission=participant.submission, by=participant.admin, revision_number=1
        )


def test_a_participant_lists_its_own_qualifications_with_each_roles_stage(
    client, northwind, meterline
):
    found = api_for(client, northwind.contributor).get(reverse("api-qualifications")).json()

    [qualification] = found["results"]
    assert qualification["id"] == str(northwind.qualification.public_id)
    assert qualification["organisation"] == "Northwind Energy Supply Ltd"
    assert [role["market_role"] for role in qualification["roles"]] == ["SUP"]
    assert qualification["roles"][0]["stage"] == northwind.qualification.state
    assert qualification["submissions"] == [
        {"id": str(northwind.submission.public_id), "stage": "initial", "state": "draft"}
    ]


def test_a_code_body_sees_a_qad_only_once_it_is_submitted(client, northwind, meterline):
    assessor = CodeBodyMemberFactory(code_body=code_body("BSC"), role=CodeBodyRole.ASSESSOR).user
    api = api_for(client, assessor)
    listed = {
        q["organisation"]: q for q in api.get(reverse("api-qualifications")).json()["results"]
    }
    assert listed["Northwind Energy Supply Ltd"]["submissions"] == []
    draft = reverse("api-submission", kwargs={"public_id": northwind.submission.public_id})
    assert api.get(draft).status_code == 404

    _submit(northwind)

    listed = {
        q["organisation"]: q for q in api.get(reverse("api-qualifications")).json()["results"]
    }
    assert [s["state"] for s in listed["Northwind Energy Supply Ltd"]["submissions"]] == [
        "submitted"
    ]
    assert api.get(draft).status_code == 200


def test_progress_is_counted_as_the_pages_count_it(client, northwind):
    api = api_for(client, northwind.contributor)
    url = reverse("api-submission", kwargs={"public_id": northwind.submission.public_id})
    assert api.get(url).json()["progress"]["answered"] == 0

    fill(northwind)
    revision_recompute_completeness(revision_id=northwind.revision.pk)  # the worker's count

    after = api.get(url).json()
    revision = northwind.revision
    assert after["progress"] == {
        "answered": revision.answered_count,
        "required": revision.required_count,
        "percent": revision.percent_complete,
        "up_to_date": True,
    }
    assert after["progress"]["answered"] > 0
    assert after["template_version"] == northwind.submission.template.version


def test_the_questions_are_those_this_qad_asks_in_order(client, northwind):
    url = reverse("api-submission-questions", kwargs={"public_id": northwind.submission.public_id})
    sections = api_for(client, northwind.contributor).get(url).json()

    refs = [q["ref"] for section in sections for q in section["questions"]]
    assert refs == [
        a.question.ref for a in northwind.revision.answers.order_by("question__position")
    ]
    assert "11.1" not in refs, "the declaration is asked in the Final QAD only"
    table = next(q for s in sections for q in s["questions"] if q["ref"] == "4.4")
    assert [c["key"] for c in table["options"]["columns"]] == ["reference", "due"]


@pytest.mark.parametrize("how_many", [1, 4])
def test_the_list_costs_the_same_queries_whatever_its_rows(
    client, journey_template, django_assert_num_queries, how_many
):
    admin = CodeBodyMemberFactory(code_body=code_body("BSC"), user__is_staff=True).user
    for number in range(how_many):
        Participant(f"Participant {number} Ltd")
    api = api_for(client, admin)
    # The token (and its first use this minute), the page, its roles with their approvals,
    # the submissions.
    with django_assert_num_queries(6):
        found = api.get(reverse("api-qualifications")).json()
    assert len(found["results"]) == how_many
