"""What moving work in flight to a new template version leaves where it is, warns about, and
asks the participant to check."""

import copy
import re
from pathlib import Path

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from assessment.reports.documents import qad_submission_context
from assessment.services.clarifications import clarification_raise, clarifications_send
from assessment.services.criteria import criteria_set_load
from qad.enums import SubmissionState, VersionStatus
from qad.models import OrphanedAnswer, QadTemplate, TemplateMove
from qad.services.answers import answer_save
from qad.services.moves import plan_move
from qad.services.submissions import submission_transition
from tests.participants import Participant
from tests.portal.test_versions import load_302, text
from tests.qad.test_submit_and_sign import fill
from tests.qualification.factories import CodeBodyMemberFactory, UserFactory, code_body
from tests.version_files import JOURNEY_TEMPLATE, as_bytes, template_published

pytestmark = pytest.mark.django_db

CRITERIA = Path(__file__).resolve().parents[2] / "data" / "criteria"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, full_name="Priya Shah"))
    return client


def save(participant, ref, value):
    answer = participant.answer(ref)
    answer_save(
        answer=answer, value=value, expected_version=answer.version, by=participant.contributor
    )


def in_clarification(name: str) -> Participant:
    """Revision 1 submitted; the BSC asked about 4.1.1, so revision 2 is a draft."""
    participant = Participant(name)
    save(participant, "4.1.1", "We ran PIT in house.")
    save(participant, "4.1.4", True)
    submission_transition(
        submission=participant.submission,
        target=SubmissionState.SUBMITTED,
        actor=participant.admin,
    )
    assessor = CodeBodyMemberFactory(code_body=code_body("BSC")).user
    clarification_raise(
        submission=participant.submission,
        question=participant.answer("4.1.1").question,
        code_body=code_body("BSC"),
        text="Which environments?",
        by=assessor,
    )
    clarifications_send(submission=participant.submission, code_body=code_body("BSC"), by=assessor)
    participant.submission.refresh_from_db()
    return participant


def test_work_waiting_on_a_clarification_stays_on_the_version_it_was_submitted_under(
    admin_client,
    shipped_versions,
):
    draft = Participant("Draft Energy Ltd")
    save(draft, "4.1.1", "We ran PIT in house.")
    asked = in_clarification("Asked Energy Ltd")
    first = asked.submission.revisions.get(number=1)
    sections_before = qad_submission_context(first.pk)["sections"]
    assert asked.submission.state == SubmissionState.CLARIFICATION_REQUESTED
    assert asked.revision.number == 2 and not asked.revision.is_frozen
    v302 = load_302()
    move_url = reverse("template-move", args=[v302.pk])

    preview = text(admin_client.post(move_url, {"all_drafts": "1"}))
    assert "Asked Energy Ltd: Stays on QAD v3.01 because it has been submitted." in preview
    moving = f'<input type="hidden" name="qualifications" value="{asked.qualification.public_id}">'
    assert moving not in preview, "what stays is not offered to move"
    assert not plan_move(asked.qualification, v302).movable

    admin_client.post(
        move_url,
        {
            "qualifications": [draft.qualification.public_id, asked.qualification.public_id],
            "apply": "1",
        },
    )

    draft.submission.refresh_from_db()
    asked.submission.refresh_from_db()
    assert draft.submission.template == v302
    assert str(asked.submission.template) == "QAD v3.01"
    assert str(asked.revision.template) == "QAD v3.01"
    assert str(asked.answer("4.1.1").question.template) == "QAD v3.01"
    assert list(TemplateMove.objects.values_list("qualification", flat=True)) == [
        draft.qualification.pk
    ]
    sections_after = qad_submission_context(first.pk)["sections"]
    assert len(sections_after) == len(sections_before) > 0
    assert [s.ref for s in sections_after] == [s.ref for s in sections_before]


def criteria_for_302(code: str, version: str) -> bytes:
    """The shipped criteria of one Code Body, bound to v3.02 (which has no 4.1.7)."""
    path = next(CRITERIA.glob(f"{code.lower()}-v*.yaml"))
    document = yaml.safe_load(path.read_text())
    document["version"] = version
    document["qad_template"]["version"] = "3.02"
    for criterion in document["criteria"]:
        criterion["questions"] = [ref for ref in criterion["questions"] if ref != "4.1.7"]
    document["criteria"] = [c for c in document["criteria"] if c["questions"]]
    return as_bytes(document)


MISSING = "have no published criteria for QAD v3.02"


def test_publishing_and_moving_warn_which_code_bodies_have_no_criteria_for_the_version(
    admin_client,
    shipped_versions,
):
    v302 = load_302(publish=False)
    version_page = reverse("template-version", args=[v302.pk])
    move_page = reverse("template-move", args=[v302.pk])

    before_publishing = text(admin_client.get(version_page))
    assert f"3 Code Bodies {MISSING}" in before_publishing
    for code in ("BSC", "REC", "DIP"):
        assert f"<li>{code} (" in before_publishing

    refused = text(admin_client.post(reverse("template-publish", args=[v302.pk]), follow=True))
    assert "QAD v3.02 cannot be published: BSC, REC, DIP assess its questions" in refused
    v302.refresh_from_db()
    assert v302.status == VersionStatus.DRAFT

    published = text(
        admin_client.post(
            reverse("template-publish", args=[v302.pk]),
            {"accept_gap": ["BSC", "REC", "DIP"], "reason": "Criteria are being written"},
            follow=True,
        )
    )
    assert "QAD v3.02 is published" in published
    assert "No published criteria for QAD v3.02 from BSC, REC, DIP" in published
    assert f"3 Code Bodies {MISSING}" in text(admin_client.get(move_page))

    criteria_set_load(filename="bsc.yaml", content=criteria_for_302("BSC", "5.1"))
    criteria_set_load(filename="rec.yaml", content=criteria_for_302("REC", "2.1"))
    criteria_set_load(filename="dip.yaml", content=criteria_for_302("DIP", "1.2"), publish=False)
    move = text(admin_client.get(move_page))
    assert "1 Code Body has no published criteria for QAD v3.02" in move
    assert "<li>DIP (" in move and "<li>BSC (" not in move

    criteria_set_load(filename="dip.yaml", content=criteria_for_302("DIP", "1.3"))
    assert "no published criteria" not in text(admin_client.get(move_page))
    assert "no published criteria" not in text(admin_client.get(version_page))


def journey_991():
    """The journey QAD with 3.1 now a number and 4.3 now free text."""
    document = copy.deepcopy(JOURNEY_TEMPLATE)
    document["version"] = "99.1"
    document["title"] = "Journey QAD v99.1"
    questions = {q["ref"]: q for s in document["sections"] for q in s.get("questions", [])}
    questions["3.1"]["answer_type"] = "number"
    questions["4.3"] = {
        key: value
        for key, value in questions["4.3"].items()
        if key not in ("min", "max", "unit", "answer_type")
    } | {"answer_type": "free_text"}
    for section in document["sections"]:
        section["questions"] = [questions[q["ref"]] for q in section.get("questions", [])]
    return template_published("journey-99.1.yaml", document)


def test_an_answer_whose_kind_changed_is_flagged_and_kept_not_carried_silently(
    admin_client, northwind
):
    fill(northwind)
    written = northwind.answer("3.1").value
    assert northwind.answer("4.3").value == 412
    v991 = journey_991()
    move_url = reverse("template-move", args=[v991.pk])

    preview = text(
        admin_client.post(move_url, {"qualifications": [northwind.qualification.public_id]})
    )
    assert "3.1: Free text → Number (earlier answer not carried: kept, read-only)" in preview
    assert "4.3: Number → Free text</span>" in preview

    admin_client.post(
        move_url, {"qualifications": [northwind.qualification.public_id], "apply": "1"}
    )

    retyped = northwind.answer("3.1")
    assert retyped.question.template == v991
    assert (retyped.value, retyped.needs_confirmation) == (None, True), (
        "text cannot be a number: not carried, and the participant is asked"
    )
    kept = OrphanedAnswer.objects.get(revision=northwind.revision, question_ref="3.1")
    assert (kept.value, kept.answer_type) == (written, "free_text")
    as_text = northwind.answer("4.3")
    assert (as_text.value, as_text.needs_confirmation) == ("412 test cases", True)
    assert TemplateMove.objects.get().reworded == 2

    client = Client()
    client.force_login(northwind.contributor)
    submission = northwind.submission.public_id
    section = text(client.get(reverse("submission-section", args=[submission, "3"])))
    assert "takes a different kind of answer in the new version of the QAD (it was Free text)" in (
        section
    )
    assert re.search(
        rf'Your answer under QAD v99\.0:</span>\s*<div class="answer-text">{re.escape(written)}',
        section,
    )
    assert kept.reason == "retyped"
    checklist = text(client.get(reverse("submission-checklist", args=[submission])))
    assert "The question now takes a different kind of answer" in checklist
    assert QadTemplate.objects.get(version="99.0") == kept.from_template
