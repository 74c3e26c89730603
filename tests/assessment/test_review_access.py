"""Who may see and assess a review: the same answer whether the reader's role is read with
the review (as the review pages do, on every request) or asked for on its own."""

import pytest
from django.contrib.auth.models import AnonymousUser

from assessment.models import Review
from assessment.rules import review_access, with_reader_access
from qualification.models import User

pytestmark = pytest.mark.django_db


def readers(participant, people):
    admin = User.objects.create_user(email="admin@example.org", password="x", is_staff=True)
    admin.is_superuser = True
    admin.save()
    gone = User.objects.create_user(email="gone@example.org", password="x")
    gone.is_active = False
    gone.save()
    return {
        "BSC lead": people.bsc_lead,
        "BSC assessor": people.bsc,
        "BSC reviewer": people.bsc_reader,
        "REC lead": people.rec_lead,
        "DIP lead": people.dip_lead,
        "participant": participant.admin,
        "portal admin": admin,
        "inactive": gone,
        "signed out": AnonymousUser(),
    }


def test_the_access_read_with_the_review_is_the_access_asked_for(submitted, people):
    reviews = Review.objects.filter(submission=submitted.submission).select_related(
        "submission", "code_body"
    )
    assert {r.code_body.code for r in reviews} >= {"BSC", "REC"}
    seen = set()
    for name, reader in readers(submitted, people).items():
        for review in reviews:
            [read_with] = with_reader_access(reviews.filter(pk=review.pk), reader)
            expected = review_access(reader, review)
            assert review_access(reader, read_with) == expected, (name, review.code_body.code)
            seen.add(expected)
    assert len(seen) >= 3, "readers who may assess, only view, and not see at all"


def test_a_review_read_for_one_reader_is_not_taken_as_another_readers_access(submitted, people):
    bsc = Review.objects.filter(submission=submitted.submission, code_body__code="BSC")
    [read_for_lead] = with_reader_access(bsc, people.bsc_lead)
    assert review_access(people.bsc_lead, read_for_lead).is_lead

    other = review_access(people.rec_lead, read_for_lead)
    assert not other.is_lead and not other.can_assess and not other.can_view
