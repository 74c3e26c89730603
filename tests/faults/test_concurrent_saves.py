"""Two people saving one answer at the same moment, each on their own PostgreSQL connection,
through the real service: one text is saved, the other is kept as a conflict for its writer,
and the audit trail records what was really there before."""

from __future__ import annotations

import pytest

from qad.models import Answer, AnswerConflict
from qad.services.answers import StaleAnswer, answer_save
from qualification.models import AuditEvent
from tests.faults.conftest import at_once, needs_postgres
from tests.participants import Participant

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), needs_postgres()]

ROUNDS = 5


def save(participant, person, text: str, version: int):
    def action():
        return answer_save(
            answer=participant.answer("3.1"), value=text, expected_version=version, by=person
        )

    return action


def test_two_saves_of_one_version_at_once_keep_both_texts(reference_data, journey_template):
    participant = Participant()
    for round_number in range(ROUNDS):
        answer = participant.answer("3.1")
        version = answer.version
        before = answer.value
        mine = f"Olivia's text, round {round_number}"
        theirs = f"Ben's text, round {round_number}"

        outcomes = at_once(
            save(participant, participant.admin, mine, version),
            save(participant, participant.contributor, theirs, version),
        )

        stale = [o for o in outcomes if isinstance(o, StaleAnswer)]
        saved = [o for o in outcomes if isinstance(o, Answer)]
        assert len(saved) == 1 and len(stale) == 1, outcomes
        stored = Answer.objects.get(pk=answer.pk)
        assert stored.version == version + 1
        assert stored.value in (mine, theirs)
        kept = AnswerConflict.objects.get(answer=answer, resolved_at__isnull=True)
        assert {stored.value, kept.value} == {mine, theirs}, "one of the two texts was lost"
        assert kept.base_version == version
        event = AuditEvent.objects.filter(kind="answer.saved").latest("pk")
        assert event.before == before and event.after == stored.value
        # Settle it so the next round starts from one text again.
        AnswerConflict.objects.filter(pk=kept.pk).update(resolved_at=stored.updated_at)
