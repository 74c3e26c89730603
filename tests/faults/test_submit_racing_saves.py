"""A participant presses "Submit" while colleagues' autosaves are still arriving, each on its
own PostgreSQL connection: no deadlock or database error reaches anyone, and the submitted
content hash is that of exactly what was stored."""

from __future__ import annotations

import threading

import pytest

from qad.content_hash import revision_content_hash
from qad.models import Revision
from qad.services.answers import AnswerLocked, RevisionFrozen, StaleAnswer, answer_save
from qad.services.submissions import submission_submit
from tests.faults.conftest import at_once, needs_postgres
from tests.participants import Participant
from tests.qad.test_submit_and_sign import fill

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), needs_postgres()]

EXPECTED = (StaleAnswer, RevisionFrozen, AnswerLocked)


def keep_saving(
    participant, person, ref: str, values: list, stop: threading.Event, first: threading.Event
):
    def action() -> list[str]:
        met = []
        for value in values:
            if met:
                first.set()
            if stop.is_set():
                break
            answer = participant.answer(ref)
            try:
                answer_save(answer=answer, value=value, expected_version=answer.version, by=person)
                met.append("saved")
            except EXPECTED as error:
                met.append(type(error).__name__)
                if isinstance(error, RevisionFrozen | AnswerLocked):
                    break
        return met

    return action


@pytest.mark.parametrize("attempt", range(3))
def test_a_submit_racing_autosaves_neither_deadlocks_nor_misses_a_saved_word(
    reference_data, journey_template, attempt
):
    participant = Participant(f"Racing Energy {attempt} Ltd")
    fill(participant)
    stop = threading.Event()
    firsts = [threading.Event(), threading.Event()]

    def submit():
        # Pressed while both colleagues are in the middle of their typing.
        for first in firsts:
            first.wait(timeout=10)
        try:
            return submission_submit(
                submission=participant.submission, by=participant.admin, revision_number=1
            )
        finally:
            stop.set()

    texts = [f"Text {n}: we run MHHS in house." for n in range(40)]
    counts = list(range(400, 440))
    outcomes = at_once(
        keep_saving(participant, participant.contributor, "3.1", texts, stop, firsts[0]),
        submit,
        keep_saving(participant, participant.admin, "4.3", counts, stop, firsts[1]),
    )

    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert not errors, errors
    saves = outcomes[0] + outcomes[2]
    assert "saved" in saves, "no autosave reached the revision before it was submitted"
    revision = Revision.objects.get(submission=participant.submission, number=1)
    assert revision.submitted_at is not None
    assert revision.content_hash == revision_content_hash(revision), (
        "an answer changed after its content hash was taken"
    )
