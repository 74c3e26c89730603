"""Who may see and assess a review. The check runs on every read of a review page, in SQL
written once; it must give the answer the rule gives when stated through the ORM."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser

from assessment.models import Review
from assessment.review_rows import code_body_with_role, review_with_access
from assessment.rules import ACTING_ROLES, ReviewAccess, review_access
from qualification.enums import CodeBodyRole
from qualification.models import User
from qualification.rules import approving_code_bodies, code_body_roles, is_portal_admin
from tests.rows import column_values

pytestmark = pytest.mark.django_db


def the_rule(user, review) -> ReviewAccess:
    """Members of the Code Body (read-only reviewers too) of a participant it approves, and
    portal admins, view; its assessors and lead assessors among those assess."""
    role = code_body_roles(user).get(review.code_body.code)
    approves = review.code_body.code in approving_code_bodies(review.submission.qualification)
    can_view = is_portal_admin(user) or (role is not None and approves)
    return ReviewAccess(
        can_view=can_view,
        can_assess=can_view and role in ACTING_ROLES,
        is_lead=role == CodeBodyRole.LEAD_ASSESSOR,
    )


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
        "REC assessor": people.rec,
        "DIP lead": people.dip_lead,
        "participant": participant.admin,
        "portal admin": admin,
        "inactive": gone,
        "signed out": AnonymousUser(),
    }


def test_the_check_gives_the_rules_answer_for_every_reader_and_review(submitted, people):
    from qualification.models import CodeBody, CodeBodyMembership

    # A DIP lead also made a BSC reviewer: roles in two Code Bodies, each counted on its own.
    CodeBodyMembership.objects.create(
        user=people.dip_lead, code_body=CodeBody.objects.get(code="BSC"), role="reviewer"
    )
    reviews = list(
        Review.objects.filter(submission=submitted.submission).select_related(
            "submission__qualification", "code_body"
        )
    )
    assert {r.code_body.code for r in reviews} >= {"BSC", "REC"}
    seen = set()
    for name, reader in readers(submitted, people).items():
        for review in reviews:
            expected = the_rule(reader, review)
            assert review_access(reader, review) == expected, (name, review.code_body.code)
            # As the pages read it: the review with the reader's role and approval at once.
            read_with_it = review_with_access(reader, review.public_id)
            assert review_access(reader, read_with_it) == expected, (name, "read with it")
            seen.add(expected)
    assert len(seen) >= 3, "readers who may assess, who may only view, who may not see"


def test_a_review_read_with_its_access_is_the_review_the_orm_reads(submitted, people):
    review = Review.objects.select_related("submission__qualification", "code_body").get(
        submission=submitted.submission, code_body__code="BSC"
    )

    found = review_with_access(people.bsc_lead, review.public_id)

    for ours, theirs in [
        (found, review),
        (found.submission, review.submission),
        (found.submission.qualification, review.submission.qualification),
        (found.code_body, review.code_body),
    ]:
        assert column_values(ours) == column_values(theirs)
    assert review_with_access(people.bsc_lead, uuid.uuid4()) is None


def test_a_code_body_that_approves_none_of_the_roles_does_not_see_the_review(submitted, people):
    from qualification.models import MarketRole

    bsc = Review.objects.select_related("submission__qualification", "code_body").get(
        submission=submitted.submission, code_body__code="BSC"
    )
    assert review_access(people.bsc_lead, bsc).can_view
    for role in MarketRole.objects.filter(approvers__code="BSC"):
        role.approvers.remove(bsc.code_body)

    assert review_access(people.bsc_lead, bsc) == ReviewAccess(
        can_view=False, can_assess=False, is_lead=True
    )
    read_with_it = review_with_access(people.bsc_lead, bsc.public_id)
    assert review_access(people.bsc_lead, read_with_it) == ReviewAccess(
        can_view=False, can_assess=False, is_lead=True
    )


def test_a_code_body_is_read_with_the_readers_role_in_it(submitted, people):
    from qualification.models import CodeBody
    from qualification.rules import code_body_roles

    bsc = CodeBody.objects.get(code="BSC")
    for name, reader in readers(submitted, people).items():
        found, role = code_body_with_role(reader, "BSC")
        assert found == bsc and found.name == bsc.name
        assert role == code_body_roles(reader).get("BSC"), name
    assert code_body_with_role(people.bsc_lead, "NOPE") is None
