"""A review keeps the criteria it started with until its lead assessor moves it."""

import copy

import pytest
from django.urls import reverse

from assessment.services.checks import applicable_criteria_sets
from assessment.services.criteria import criteria_set_load
from assessment.services.reviews import applicable_criteria
from qad.services.submissions import submission_submit
from qualification.models import AuditEvent
from tests.assessment.test_reviews import committed, record, review, text
from tests.qad.test_submit_and_sign import fill
from tests.version_files import JOURNEY_CRITERIA, as_bytes

pytestmark = pytest.mark.django_db


def publish_bsc_99_1():
    """New BSC criteria for the same template version: BSC-3 unchanged, BSC-4 reworded."""
    document = copy.deepcopy(JOURNEY_CRITERIA["BSC"])
    document["version"] = "99.1"
    document["criteria"][1]["looks_for"] = "Testing dates in order and every defect closed."
    return criteria_set_load(filename="bsc-99.1.yaml", content=as_bytes(document)).version


def test_a_review_keeps_its_criteria_until_its_lead_moves_it(client, submitted, people):
    bsc = review(submitted, "BSC")
    started_with = bsc.criteria_set
    assert started_with.version == "99.0"
    client.force_login(people.bsc)
    record(client, submitted, "BSC-3", "met")
    record(client, submitted, "BSC-4", "met")
    newer = publish_bsc_99_1()

    bsc.refresh_from_db()
    assert bsc.criteria_set == started_with
    revision = submitted.submission.revisions.get()
    assert {c.criteria_set for c in applicable_criteria(bsc, revision)} == {started_with}
    checked_against = applicable_criteria_sets(revision)
    assert [s.version for s in checked_against if s.code_body.code == "BSC"] == ["99.0"]
    page = text(client.get(bsc.get_absolute_url()))
    assert "Assessed against BSC criteria v99.0." in page
    assert "BSC criteria v99.1 was published on" in page
    assert "Move this review to BSC criteria v99.1" not in page, "an assessor cannot move it"
    move = reverse("review-criteria-move", args=[bsc.public_id])
    refused = committed(client.post, move, follow=True)
    assert "Only a lead assessor of BSC can move a review onto new criteria." in text(refused)
    bsc.refresh_from_db()
    assert bsc.criteria_set == started_with

    client.force_login(people.bsc_lead)
    assert "Move this review to BSC criteria v99.1" in text(client.get(bsc.get_absolute_url()))
    moved = committed(
        client.post, reverse("review-criteria-move", args=[bsc.public_id]), follow=True
    )

    assert "This review now uses BSC criteria v99.1." in text(moved)
    bsc.refresh_from_db()
    assert bsc.criteria_set == newer
    kept = {o.criterion.ref: o.outcome for o in bsc.outcomes.filter(criterion__criteria_set=newer)}
    assert kept == {"BSC-3": "met"}, "the reworded BSC-4 is assessed again"
    event = AuditEvent.objects.get(kind="review.criteria_moved")
    assert (event.actor, event.after) == (people.bsc_lead, {"criteria_set": newer.pk, "carried": 1})
    assert "was published on" not in text(moved)
    again = committed(
        client.post, reverse("review-criteria-move", args=[bsc.public_id]), follow=True
    )
    assert "This review already uses the current criteria." in text(again)


def test_a_review_opened_after_new_criteria_starts_with_them(client, northwind, people):
    newer = publish_bsc_99_1()
    fill(northwind)
    committed(
        submission_submit, submission=northwind.submission, by=northwind.admin, revision_number=1
    )

    assert review(northwind, "BSC").criteria_set == newer
    client.force_login(people.bsc_lead)
    page = text(client.get(review(northwind, "BSC").get_absolute_url()))
    assert "Assessed against BSC criteria v99.1." in page
    assert "Move this review" not in page


def test_criteria_serving_a_later_version_assess_work_on_it(client, journey_template, people):
    from tests.participants import Participant
    from tests.version_files import JOURNEY_TEMPLATE, template_published

    later = template_published(
        "journey-99.1.yaml",
        {**JOURNEY_TEMPLATE, "version": "99.1", "title": "Journey QAD v99.1"},
        criteria=[
            {
                **JOURNEY_CRITERIA[code],
                "version": "99.5",
                "qad_template": {"document": "QAD", "version": "99.0", "also": ["99.1"]},
            }
            for code in ("BSC", "REC")
        ],
    )
    from assessment.services.criteria import code_bodies_without_criteria

    missing = {body.code for body in code_bodies_without_criteria(later)}
    assert not missing & {"BSC", "REC"}, "their criteria for v99.0 serve v99.1 too"
    brightwatt = Participant("Brightwatt Energy Ltd")
    assert brightwatt.submission.template == later
    fill(brightwatt)
    committed(
        submission_submit, submission=brightwatt.submission, by=brightwatt.admin, revision_number=1
    )

    bsc = review(brightwatt, "BSC")
    assert (bsc.criteria_set.version, bsc.criteria_set.template.version) == ("99.5", "99.0")
    client.force_login(people.bsc)
    page = text(client.get(bsc.get_absolute_url()))
    assert "0 of 2 criteria have an outcome" in page
    assert "We operate MHHS in house." in page, "the answers on v99.1, under the criteria"
