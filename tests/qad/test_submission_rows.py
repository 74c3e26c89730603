"""The submission a page names, read with what its pages show of it and the reader's roles in
one query of our own: the same objects the ORM would give, field for field."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from qad.models import Submission
from qad.rules import participant_roles
from qad.submission_rows import submission_with_roles
from qualification.enums import MembershipRole
from qualification.models import Wave
from tests.rows import column_values

pytestmark = pytest.mark.django_db


def _as_the_orm_reads_it(public_id) -> Submission:
    return Submission.objects.select_related(
        "qualification__organisation", "qualification__wave", "template"
    ).get(public_id=public_id)


@pytest.mark.parametrize("in_a_wave", [False, True], ids=["no wave yet", "in a wave"])
def test_the_submission_is_read_as_the_orm_reads_it(northwind, in_a_wave):
    if in_a_wave:
        wave = Wave.objects.create(code="W2", name="Wave 2", testing_starts=dt.date(2027, 3, 1))
        northwind.qualification.wave = wave
        northwind.qualification.save()

    found = submission_with_roles(northwind.contributor, northwind.submission.public_id)

    expected = _as_the_orm_reads_it(northwind.submission.public_id)
    assert column_values(found) == column_values(expected)
    assert column_values(found.qualification) == column_values(expected.qualification)
    assert column_values(found.qualification.organisation) == column_values(
        expected.qualification.organisation
    )
    if in_a_wave:
        assert column_values(found.qualification.wave) == column_values(expected.qualification.wave)
    else:
        assert found.qualification.wave is None
    # The template's source file is left out, and read only if asked for.
    assert "source_text" in found.template.get_deferred_fields()
    assert column_values(found.template) == column_values(expected.template)


def test_the_readers_roles_come_with_it(northwind, meterline, django_assert_num_queries):
    public_id = northwind.submission.public_id

    admin = submission_with_roles(northwind.admin, public_id)
    outsider = submission_with_roles(meterline.admin, public_id)

    with django_assert_num_queries(0):
        assert participant_roles(northwind.admin, admin) == {MembershipRole.ORG_ADMIN}
        assert participant_roles(meterline.admin, outsider) == set()


def test_no_submission_by_that_id(northwind):
    assert submission_with_roles(northwind.admin, uuid.uuid4()) is None
