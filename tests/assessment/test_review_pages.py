"""The review screen of a submission assessed against many criteria: every criterion listed
with its outcome, and ten at a time shown with their answers, evidence and the form to
record an outcome; recording one brings the assessor back to the page that holds it."""

import re

import pytest
from django.urls import reverse

from assessment.models import Review
from assessment.selectors import CRITERIA_PAGE_SIZE
from assessment.services.reviews import applicable_criteria
from demo.scale import EMAIL_DOMAIN, scale_load, supplier_review_in_review
from qad.selectors import submitted_revision
from qualification.models import User
from tests.assessment.test_reviews import committed

pytestmark = pytest.mark.django_db

CARD = re.compile(r'<section class="card mb-4" id="criterion-(\d+)"')
LISTED = re.compile(r'<li><a href="[^"]*#criterion-(\d+)">')


@pytest.fixture
def in_review(db, settings, tmp_path):
    """A Supplier's Initial QAD in review by the BSC, with more than two pages of criteria."""
    settings.MEDIA_ROOT = tmp_path
    scale_load(organisations=10, password="review-pages-2026", check_runs=False, evidence=2)
    review = supplier_review_in_review("BSC")
    criteria = applicable_criteria(review, submitted_revision(review.submission))
    assert len(criteria) > 2 * CRITERIA_PAGE_SIZE
    return review, criteria


@pytest.fixture
def assessor(client):
    client.force_login(User.objects.get(email=f"lead@bsc.{EMAIL_DOMAIN}"))
    return client


def test_ten_criteria_a_page_and_every_criterion_listed(in_review, assessor):
    review, criteria = in_review
    pks = [c.pk for c in criteria]

    first = assessor.get(review.get_absolute_url()).content.decode()
    second = assessor.get(review.get_absolute_url(), {"page": 2}).content.decode()

    assert [int(pk) for pk in CARD.findall(first)] == pks[:CRITERIA_PAGE_SIZE]
    assert [int(pk) for pk in CARD.findall(second)] == pks[
        CRITERIA_PAGE_SIZE : 2 * CRITERIA_PAGE_SIZE
    ]
    assert [int(pk) for pk in LISTED.findall(first)] == pks
    assert f"Criteria 11 to 20 of {len(pks)}" in text_of(second)
    # A criterion on another page is reached through its own page.
    later = criteria[CRITERIA_PAGE_SIZE]
    assert f'href="?criterion={later.pk}#criterion-{later.pk}"' in first
    assert f'href="#criterion-{later.pk}"' in second


def test_recording_an_outcome_returns_to_the_page_that_holds_the_criterion(in_review, assessor):
    review, criteria = in_review
    last = criteria[-1]
    assert not review.outcomes.filter(criterion=last).exists()
    holding = criteria[(len(criteria) - 1) // CRITERIA_PAGE_SIZE * CRITERIA_PAGE_SIZE :]

    response = committed(
        assessor.post,
        reverse("outcome-record", args=[review.public_id, last.pk]),
        {"outcome": "met"},
    )
    page = text_of(assessor.get(response.url).content.decode())

    assert response.url == f"{review.get_absolute_url()}?criterion={last.pk}#criterion-{last.pk}"
    assert f"{last.ref} recorded." in page
    assert [int(pk) for pk in CARD.findall(page)] == [c.pk for c in holding]
    card = page.split(f'id="criterion-{last.pk}"')[1]
    assert '<span class="badge outcome-met">Met</span>' in card
    assert review.outcomes.get(criterion=last).outcome == "met"


def test_a_criterion_of_another_code_body_opens_the_first_page(in_review, assessor):
    review, criteria = in_review
    rec = Review.objects.get(submission=review.submission, code_body__code="REC")
    other = applicable_criteria(rec, submitted_revision(review.submission))[-1]

    page = assessor.get(review.get_absolute_url(), {"criterion": other.pk}).content.decode()

    assert [int(pk) for pk in CARD.findall(page)] == [c.pk for c in criteria[:CRITERIA_PAGE_SIZE]]
    assert other.title not in page


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", html)
