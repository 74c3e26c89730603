"""A Code Body's work through the API, and the participant's answer to a clarification: the
same services and rules as the review page and the section page, audited via the token."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from assessment.models import Clarification, CriterionOutcome, Review
from assessment.services.reviews import review_send_clarifications
from qad.services.submissions import submission_submit
from qualification.models import AuditEvent
from tests.assessment.test_reviews import committed
from tests.portal.api.conftest import api_for

pytestmark = pytest.mark.django_db


def _bsc_review(participant) -> Review:
    return Review.objects.get(submission=participant.submission, code_body__code="BSC")


def _send(client, api, method: str, url: str, body: dict):
    return client.generic(
        method,
        url,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.secret}"},
    )


def test_the_queue_lists_the_code_bodys_open_reviews(client, submitted, people):
    api = api_for(client, people.bsc)
    found = api.get(reverse("api-queue", kwargs={"code": "bsc"})).json()["results"]
    assert [(r["organisation"], r["state"]) for r in found] == [
        ("Northwind Energy Supply Ltd", "waiting")
    ]
    assert found[0]["due"] and found[0]["working_days_waiting"] == 0
    assert (
        api_for(client, people.rec).get(reverse("api-queue", kwargs={"code": "BSC"})).status_code
        == 404
    )


def test_an_assessor_records_an_outcome_and_drafts_a_clarification(client, submitted, people):
    review = _bsc_review(submitted)
    api = api_for(client, people.bsc, name="BSC tracker")
    outcome_url = reverse(
        "api-review-outcome", kwargs={"public_id": review.public_id, "criterion_ref": "BSC-3"}
    )

    refused = _send(client, api, "PUT", outcome_url, {"outcome": "not_met"})
    recorded = _send(client, api, "PUT", outcome_url, {"outcome": "met", "comment": "Clear."})

    assert refused.status_code == 400
    assert "Say why" in refused.json()["detail"]
    assert recorded.status_code == 200, recorded.content
    by_ref = {c["criterion"]: c for c in recorded.json()["criteria"]}
    assert (by_ref["BSC-3"]["outcome"], by_ref["BSC-3"]["recorded_by"]) == (
        "met",
        "James Whitfield",
    )
    assert CriterionOutcome.objects.get().outcome == "met"
    assert AuditEvent.objects.filter(via="API token “BSC tracker”").exists()

    drafted = _send(
        client,
        api,
        "POST",
        reverse("api-review-clarifications", kwargs={"public_id": review.public_id}),
        {"question": "3.1", "text": "Who runs the operating model day to day?"},
    )
    assert drafted.status_code == 201, drafted.content
    assert drafted.json()["state"] == "draft"
    assert Clarification.objects.get().state == Clarification.State.DRAFT
    event = AuditEvent.objects.get(kind="clarification.drafted")
    assert (event.actor, event.via) == (people.bsc, "API token “BSC tracker”")


def test_a_reviewer_reads_but_does_not_assess(client, submitted, people):
    review = _bsc_review(submitted)
    api = api_for(client, people.bsc_reader)
    assert api.get(reverse("api-review", kwargs={"public_id": review.public_id})).status_code == 200
    url = reverse(
        "api-review-outcome", kwargs={"public_id": review.public_id, "criterion_ref": "BSC-3"}
    )
    assert _send(client, api, "PUT", url, {"outcome": "met"}).status_code == 403
    assert not CriterionOutcome.objects.exists()


def test_the_participant_answers_a_clarification_once_it_is_sent(client, submitted, people):
    review = _bsc_review(submitted)
    bsc = api_for(client, people.bsc)
    _send(
        client,
        bsc,
        "POST",
        reverse("api-review-clarifications", kwargs={"public_id": review.public_id}),
        {"question": "3.1", "text": "Who runs it?"},
    )
    participant = api_for(client, submitted.admin, name="Compliance tracker")
    listed = reverse("api-clarifications", kwargs={"public_id": submitted.submission.public_id})
    assert participant.get(listed).json() == [], "a draft is the Code Body's own"

    committed(review_send_clarifications, review=review, by=people.bsc)
    [clarification] = participant.get(listed).json()
    answer_url = reverse(
        "api-clarification-answer",
        kwargs={
            "public_id": submitted.submission.public_id,
            "clarification_id": clarification["id"],
        },
    )
    response = _send(client, participant, "POST", answer_url, {"text": "GridSoft runs it."})

    assert response.status_code == 200, response.content
    assert response.json()["state"] == "answered"
    assert [m["text"] for m in response.json()["messages"]] == ["Who runs it?", "GridSoft runs it."]
    event = AuditEvent.objects.get(kind="clarification.answered")
    assert event.via == "API token “Compliance tracker”"
    assessor_reply = _send(client, bsc, "POST", answer_url, {"text": "Not mine to answer"})
    assert assessor_reply.status_code == 403


@pytest.mark.parametrize("how_many", [1, 3])
def test_the_queue_costs_the_same_queries_whatever_its_reviews(
    client, journey_template, people, django_assert_num_queries, how_many
):
    from tests.participants import Participant
    from tests.qad.test_submit_and_sign import fill

    for number in range(how_many):
        participant = Participant(f"Queue Participant {number} Ltd")
        fill(participant)
        committed(
            submission_submit,
            submission=participant.submission,
            by=participant.admin,
            revision_number=1,
        )
    api = api_for(client, people.bsc)
    api.get(reverse("api-queue", kwargs={"code": "BSC"}))  # the token's use recorded
    # The token, the Code Body with the reader's role, the page of reviews.
    with django_assert_num_queries(3):
        found = api.get(reverse("api-queue", kwargs={"code": "BSC"})).json()["results"]
    assert len(found) == how_many
