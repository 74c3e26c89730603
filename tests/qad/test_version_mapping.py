"""A version file says how its questions map onto the version it follows (renumbered,
merged, split, removed); the validator holds it to that version, and a move of work in
flight follows it, across several versions at once if need be."""

import copy

import pytest

from evidence.models import EvidenceLink
from qad.models import Answer, OrphanedAnswer
from qad.services.moves import move_qualification
from qad.version_changes import compare_templates
from qad.version_file_reader import VersionFileError
from tests.evidence.factories import attach
from tests.qad.test_submit_and_sign import fill
from tests.qualification.factories import UserFactory
from tests.version_files import JOURNEY_TEMPLATE, template_published

pytestmark = pytest.mark.django_db


def following(version: str, *, previous: str = "99.0", removed=None):
    """The journey QAD as a version that follows `previous`; the test edits it."""
    document = copy.deepcopy(JOURNEY_TEMPLATE)
    document.update(version=version, title=f"Journey QAD v{version}", previous=previous)
    if removed:
        document["removed"] = removed
    return document


def question(document, ref: str) -> dict:
    return next(q for s in document["sections"] for q in s.get("questions", []) if q["ref"] == ref)


def section(document, ref: str) -> dict:
    return next(s for s in document["sections"] if s["ref"] == ref)


def load(document):
    return template_published(f"journey-{document['version']}.yaml", document)


def problems_of(document) -> list[str]:
    with pytest.raises(VersionFileError) as caught:
        load(document)
    return [str(problem) for problem in caught.value.problems]


def renumbered(document, old: str, new: str) -> None:
    question(document, old).update(ref=new, replaces=[old])


def move(participant, template):
    return move_qualification(
        qualification=participant.qualification, to_template=template, by=UserFactory(is_staff=True)
    )


@pytest.fixture
def filled(northwind):
    fill(northwind)
    attach(
        northwind,
        "3.1",
        b"%PDF-1.4 operating model",
        name="model.pdf",
        title="Operating model",
        evidence_type="process_document",
    )
    return northwind


def linked_refs(participant, title: str) -> list[str]:
    return sorted(
        EvidenceLink.objects.filter(revision=participant.revision, item__title=title).values_list(
            "question__ref", flat=True
        )
    )


def test_a_renumbered_question_keeps_its_answer_and_its_files(filled):
    written = filled.answer("3.1").value
    document = following("99.3")
    renumbered(document, "3.1", "3.4")

    moved = move(filled, load(document))

    answer = filled.answer("3.4")
    assert (answer.value, answer.needs_confirmation) == (written, False)
    assert linked_refs(filled, "Operating model") == ["3.4"]
    assert not OrphanedAnswer.objects.exists()
    assert (moved.carried, moved.orphaned, moved.added) == (8, 0, 0)


def test_a_split_question_offers_its_answer_to_each_new_one(filled):
    written = filled.answer("3.1").value
    document = following("99.3")
    first = question(document, "3.1")
    first.update(ref="3.5", split_from="3.1", prompt="Describe your settlement operations.")
    section(document, "3")["questions"].append(
        {**copy.deepcopy(first), "ref": "3.6", "prompt": "Describe your DIP operations."}
    )

    move(filled, load(document))

    for ref in ("3.5", "3.6"):
        answer = filled.answer(ref)
        assert (answer.value, answer.needs_confirmation) == (written, True), ref
    assert linked_refs(filled, "Operating model") == ["3.5", "3.6"]
    assert not OrphanedAnswer.objects.exists()


def test_merged_questions_give_their_answers_together_to_confirm(filled):
    document = following("99.3")
    merged = question(document, "3.1")
    merged.update(ref="3.7", replaces=["3.1", "3.3"], prompt="Your operating and test model.")
    section(document, "3")["questions"].remove(question(document, "3.3"))
    dates = question(document, "4.1")
    dates.update(ref="4.9", replaces=["4.1", "4.2"])
    section(document, "4")["questions"].remove(question(document, "4.2"))

    move(filled, load(document))

    text = filled.answer("3.7")
    assert text.value == "3.1: We operate MHHS in house.\n\n3.3: In-house"
    assert text.needs_confirmation
    assert linked_refs(filled, "Operating model") == ["3.7"]
    date = filled.answer("4.9")
    assert (date.value, date.needs_confirmation) == ("2025-03-01", True)
    kept = dict(OrphanedAnswer.objects.values_list("question_ref", "reason"))
    assert kept == {"4.1": "merged", "4.2": "merged"}, "a date holds one answer: both are kept"


def test_a_move_across_two_versions_follows_each_mapping(filled):
    written = filled.answer("3.1").value
    middle = following("99.3")
    renumbered(middle, "3.1", "3.4")
    load(middle)
    latest = following("99.4", previous="99.3")
    renumbered(latest, "3.1", "3.8")
    question(latest, "3.8")["replaces"] = ["3.4"]

    move(filled, load(latest))

    assert filled.answer("3.8").value == written
    assert linked_refs(filled, "Operating model") == ["3.8"]


def test_a_mapping_is_held_to_the_version_it_follows(journey_template):
    document = following("99.3")
    renumbered(document, "3.1", "3.4")
    question(document, "3.4")["replaces"] = ["3.9"]
    section(document, "4")["questions"].remove(question(document, "4.4"))
    question(document, "4.5")["split_from"] = "4.3"

    assert problems_of(document) == [
        "sections[1].questions[0].replaces[0]: '3.9' is not a question of QAD v99.0",
        "sections[2].questions[3].split_from: only one question is split from '4.3': a "
        "question that takes its place says `replaces`",
        "previous: question 3.1 of QAD v99.0 is neither kept, replaced nor removed: name it "
        "in a question's `replaces` or `split_from`, or list it under `removed` with a reason",
        "previous: question 4.4 of QAD v99.0 is neither kept, replaced nor removed: name it "
        "in a question's `replaces` or `split_from`, or list it under `removed` with a reason",
    ]


def test_a_removed_question_is_listed_with_its_reason(journey_template):
    unknown = following("99.3", removed=[{"ref": "4.9", "reason": "Never asked."}])
    assert "removed[0].ref: '4.9' is not a question of QAD v99.0" in problems_of(unknown)
    not_loaded = following("99.3", previous="98.0")
    assert problems_of(not_loaded) == [
        "previous: QAD v98.0 is not loaded: load the version this one follows first"
    ]
    without_previous = following("99.3")
    del without_previous["previous"]
    renumbered(without_previous, "3.1", "3.4")
    assert (
        "sections[1].questions[0].replaces[0]: `replaces` needs `previous`: the version this "
        "one follows" in problems_of(without_previous)
    )

    document = following(
        "99.3", removed=[{"ref": "4.4", "reason": "Defects are tracked in the work-off plan."}]
    )
    section(document, "4")["questions"].remove(question(document, "4.4"))
    template = load(document)

    removed = [c for c in compare_templates(journey_template, template) if c.kind == "removed"]
    assert [(c.ref, c.note) for c in removed] == [
        ("4.4", "Defects are tracked in the work-off plan.")
    ]


def test_the_comparison_shows_what_each_question_takes_the_place_of(journey_template):
    document = following("99.3")
    renumbered(document, "3.1", "3.4")
    template = load(document)

    changes = compare_templates(journey_template, template)

    assert ("renumbered", "3.4", "3.1") in [(c.kind, c.ref, c.before) for c in changes]
    assert not [c for c in changes if c.kind in ("added", "removed")], (
        "a renumbered question is neither a new one nor a removed one"
    )
    assert Answer.objects.count() == 0


def test_a_change_of_the_evidence_a_question_expects_is_in_the_comparison(journey_template):
    document = following("99.3")
    document["evidence_types"].append({"code": "test_report", "name": "Test report"})
    question(document, "4.5")["evidence"] = [{"type": "test_report", "required": True}]
    template = load(document)

    changes = compare_templates(journey_template, template)

    assert [(c.kind, c.ref, c.aspect, c.before, c.after) for c in changes] == [
        ("changed", "4.5", "evidence expected", "process_document", "test_report (required)")
    ]
