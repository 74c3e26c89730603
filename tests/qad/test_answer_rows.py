"""The answer an autosave writes, read by SQL of our own: the same answer, field for field, as
the ORM reads, with the reader's roles and open conflict."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import transaction

from qad.answer_rows import answer_for_writing, latest_answer, stored_values
from qad.models import Answer, AnswerConflict, Revision
from qad.rules import can_edit_answer, participant_roles
from qad.services.answers import answer_save
from qualification.audit import audit_record
from qualification.enums import MembershipRole, SignatoryCapacity
from qualification.models import AuditEvent
from tests.qualification.factories import UserFactory, member_of
from tests.rows import column_values

pytestmark = pytest.mark.django_db


def _save(northwind, ref: str, value, by=None):
    answer = northwind.answer(ref)
    return answer_save(
        answer=answer, value=value, expected_version=answer.version, by=by or northwind.admin
    )


def test_the_answer_is_read_as_the_orm_reads_it(northwind):
    rows = [{"reference": "DEF-12", "due": "2026-12-01"}, {"reference": "DEF-13", "due": None}]
    _save(northwind, "4.4", rows)

    found = latest_answer(northwind.contributor, northwind.submission.public_id, "4.4")

    stored = Answer.objects.get(pk=found.answer.pk)
    assert column_values(found.answer) == column_values(stored)
    assert found.answer.value == rows
    assert isinstance(found.answer.updated_at, dt.datetime)
    assert found.answer.updated_by.full_name == "Olivia Hart"
    submission = found.answer.revision.submission
    assert submission.public_id == northwind.submission.public_id
    assert submission.qualification.organisation_id == northwind.organisation.pk
    assert submission.template.pk == northwind.submission.template_id
    assert found.open_conflict_id is None


def test_the_latest_revision_is_the_one_read(northwind):
    first = northwind.revision
    question = northwind.answer("3.1").question
    later = Revision.objects.create(submission=northwind.submission, number=first.number + 1)
    Answer.objects.create(revision=later, question=question, value="In the later revision")

    found = latest_answer(northwind.contributor, northwind.submission.public_id, "3.1")

    assert found.answer.revision.pk == later.pk
    assert found.answer.value == "In the later revision"


def test_an_unknown_question_or_submission_is_not_found(northwind):
    assert latest_answer(northwind.contributor, northwind.submission.public_id, "9.9") is None
    assert latest_answer(northwind.contributor, uuid.uuid4(), "3.1") is None


def test_the_readers_roles_come_with_the_answer(northwind, meterline, django_assert_num_queries):
    both = member_of(northwind.organisation, MembershipRole.ORG_ADMIN)
    northwind.organisation.memberships.create(
        user=both, role=MembershipRole.SIGNATORY, signatory_capacity=SignatoryCapacity.DIRECTOR
    )
    public_id = northwind.submission.public_id
    found = latest_answer(both, public_id, "3.1")
    submission = found.answer.revision.submission
    with django_assert_num_queries(0):
        assert participant_roles(both, submission) == {
            MembershipRole.ORG_ADMIN,
            MembershipRole.SIGNATORY,
        }
        assert can_edit_answer(both, found.answer, found.answer.revision)

    outsider = latest_answer(meterline.contributor, public_id, "3.1")
    assert participant_roles(meterline.contributor, outsider.answer.revision.submission) == set()

    gone = UserFactory(is_active=False)
    northwind.organisation.memberships.create(user=gone, role=MembershipRole.CONTRIBUTOR)
    inactive = latest_answer(gone, public_id, "3.1")
    assert participant_roles(gone, inactive.answer.revision.submission) == set()


def test_the_writers_own_open_conflict_is_found_and_no_one_elses(northwind):
    answer = northwind.answer("3.1")
    AnswerConflict.objects.create(
        answer=answer, value="Kept for Ben", base_version=0, written_by=northwind.contributor
    )
    mine = AnswerConflict.objects.create(
        answer=answer, value="Ben, later", base_version=0, written_by=northwind.contributor
    )
    AnswerConflict.objects.create(
        answer=answer, value="Olivia's", base_version=0, written_by=northwind.admin
    )

    found = latest_answer(northwind.contributor, northwind.submission.public_id, "3.1")
    with transaction.atomic():
        locked = answer_for_writing(answer, northwind.contributor)
    nobody = latest_answer(northwind.signatory, northwind.submission.public_id, "3.1")

    assert found.open_conflict_id == mine.pk
    assert locked.open_conflict_id == mine.pk
    assert nobody.open_conflict_id is None


def test_under_the_lock_the_answer_is_read_as_stored(northwind):
    answer = northwind.answer("3.1")
    _save(northwind, "3.1", "Saved by a colleague")

    with transaction.atomic():
        locked = answer_for_writing(answer, northwind.contributor)

    assert (locked.answer.value, locked.answer.version) == ("Saved by a colleague", 1)
    assert locked.answer.revision.submission.qualification.pk == northwind.qualification.pk
    # The last writer is read only when asked for (a conflict names them).
    assert locked.answer.updated_by.full_name == "Olivia Hart"


def test_stored_values_are_decoded(northwind):
    _save(northwind, "3.1", "Owned by the Settlement Manager")
    _save(northwind, "4.3", 120)
    ids = [northwind.answer(ref).question_id for ref in ("3.1", "4.3", "4.1")]

    values = dict(stored_values(northwind.revision.pk, ids))

    assert values == {ids[0]: "Owned by the Settlement Manager", ids[1]: 120, ids[2]: None}
    assert stored_values(northwind.revision.pk, []) == []


def test_an_audit_event_is_stored_whole(northwind):
    answer = northwind.answer("4.4")
    event = audit_record(
        kind="answer.saved",
        actor=northwind.contributor,
        summary="Answer to 4.4 saved",
        qualification=northwind.qualification,
        target=answer,
        section_ref="4",
        before=None,
        after=[{"reference": "DEF-1", "due": "2026-12-01"}],
    )

    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.kind, stored.actor, stored.summary) == (
        "answer.saved",
        northwind.contributor,
        "Answer to 4.4 saved",
    )
    assert (stored.organisation_id, stored.qualification_id) == (
        northwind.organisation.pk,
        northwind.qualification.pk,
    )
    assert (stored.object_type, stored.object_id, stored.section_ref) == (
        "qad.Answer",
        str(answer.pk),
        "4",
    )
    assert (stored.before, stored.after) == (None, [{"reference": "DEF-1", "due": "2026-12-01"}])
    assert stored.at == event.at
