"""Portal admins load, compare and publish versions, and move work in flight onto them."""

import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from evidence.models import EvidenceLink
from qad.enums import SubmissionState, VersionStatus
from qad.models import Answer, OrphanedAnswer, QadTemplate, TemplateMove
from qad.services.answers import answer_save
from qad.services.submissions import submission_transition
from qad.services.templates import current_template, qad_template_load
from tests.participants import Participant
from tests.qad.test_template_loader import row_counts
from tests.qualification.factories import UserFactory, member_of
from tests.version_files import as_bytes, template_doc, template_published

pytestmark = pytest.mark.django_db

V302 = Path(__file__).resolve().parents[1] / "data" / "qad-v3.02.yaml"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, full_name="Priya Shah"))
    return client


def upload(client, content: bytes, name="version.yaml", kind="template"):
    file = io.BytesIO(content)
    file.name = name
    return client.post(reverse("versions"), {"kind": kind, "file": file})


def load_302(publish=True):
    if publish:
        return template_published("qad-v3.02.yaml", V302.read_bytes())
    return qad_template_load(
        filename="qad-v3.02.yaml", content=V302.read_bytes(), publish=False
    ).version


def test_a_bad_file_uploaded_in_the_portal_lists_every_problem_and_saves_nothing(admin_client):
    bad = template_doc()
    bad["sections"][1]["questions"][0]["answer_type"] = "essay"
    bad["sections"][2]["applies_to"]["roles"] = ["SUPP"]
    before = row_counts()

    response = upload(admin_client, as_bytes(bad), name="bad.yaml")

    page = text(response)
    assert response.status_code == 400
    assert "bad.yaml has 2 problems; nothing was saved" in page
    assert "sections[1].questions[0].answer_type: &#x27;essay&#x27; is not one of" in page
    assert "sections[2].applies_to.roles[0]: unknown market role &#x27;SUPP&#x27;" in page
    assert row_counts() == before


def test_a_valid_file_becomes_a_draft_with_a_preview(admin_client, shipped_versions):
    response = upload(admin_client, V302.read_bytes(), name="qad-v3.02.yaml")
    template = QadTemplate.objects.get(version="3.02")
    assert response["Location"] == reverse("template-version", args=[template.pk])
    assert template.status == VersionStatus.DRAFT
    assert str(current_template()) == "QAD v3.01", "a draft is not offered to new work"
    page = text(admin_client.get(response["Location"]))
    assert "4.1.8 How many PIT test cases remain open at PIT exit?" in page


def test_the_comparison_of_the_two_shipped_versions_reports_exactly_what_changed(
    admin_client, shipped_versions
):
    template = load_302(publish=False)
    url = reverse("template-version", args=[template.pk])
    rows = admin_client.get(url + "?format=csv").content.decode().splitlines()

    assert rows[0] == "Change,Item,Reference,Aspect,Before,After,Why"
    assert sorted(rows[1:]) == sorted(
        [
            'reworded,question,4.1.1,prompt,"Describe your PIT approach, scope and environments.",'
            '"Describe your PIT approach, scope, environments and test data.",',
            "removed,question,4.1.7,prompt,Has all PIT evidence been obfuscated in line with "
            "the PIT Evidence Obfuscation guidance?,,",
            "added,question,4.1.8,prompt,,How many PIT test cases remain open at PIT exit?,",
        ]
    )
    page = text(admin_client.get(url))
    assert "Changes since QAD v3.01" in page
    assert "1 reworded · 1 added · 1 removed" in page
    assert '<ins><span class="visually-hidden">added: </span>test data.</ins>' in page


def test_publishing_makes_it_current_and_publishing_twice_is_refused(
    admin_client, shipped_versions
):
    template = load_302(publish=False)
    publish = reverse("template-publish", args=[template.pk])
    accepted = {"accept_gap": ["BSC", "REC", "DIP"], "reason": "Criteria follow"}
    admin_client.post(publish, accepted)
    assert current_template() == template
    response = admin_client.post(publish, accepted, follow=True)
    assert "QAD v3.02 is already published" in text(response)
    assert QadTemplate.objects.get(version="3.01").status == VersionStatus.SUPERSEDED


@pytest.mark.parametrize("who", ["contributor", "org_admin", "assessor"])
def test_only_portal_admins_reach_the_version_pages(client, shipped_versions, who):
    from tests.qualification.factories import CodeBodyMemberFactory, code_body

    user = (
        CodeBodyMemberFactory(code_body=code_body("BSC"), role="lead_assessor").user
        if who == "assessor"
        else member_of(Participant("X Ltd").organisation, who)
    )
    template = load_302(publish=False)
    client.force_login(user)
    for url in (
        reverse("versions"),
        reverse("template-version", args=[template.pk]),
        reverse("template-move", args=[template.pk]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("template-publish", args=[template.pk])).status_code == 403
    assert upload(client, as_bytes(template_doc())).status_code == 403
    template.refresh_from_db()
    assert template.status == VersionStatus.DRAFT
    assert not QadTemplate.objects.filter(document_code="TST").exists()


@pytest.fixture
def moving(shipped_versions):
    """A draft on v3.01 with answers to the reworded and the removed question and evidence,
    and another participant whose revision is submitted."""
    draft = Participant("Draft Energy Ltd")
    for ref, value in (("4.1.1", "We ran PIT in house."), ("4.1.7", True), ("4.1.4", True)):
        answer = draft.answer(ref)
        answer_save(
            answer=answer, value=value, expected_version=answer.version, by=draft.contributor
        )
    from django.test import Client

    from tests.evidence.test_evidence import CSV_CLEAN
    from tests.evidence.test_evidence import upload as upload_evidence

    evidence_client = Client()
    evidence_client.force_login(draft.contributor)
    upload_evidence(
        evidence_client,
        draft,
        "log.csv",
        CSV_CLEAN,
        ref="4.1.7",
        evidence_type="test_execution_log",
    )
    upload_evidence(
        evidence_client,
        draft,
        "pit.csv",
        CSV_CLEAN + b"x\n",
        ref="4.1.1",
        evidence_type="test_execution_log",
    )
    submitted = Participant("Submitted Energy Ltd")
    submission_transition(
        submission=submitted.submission, target=SubmissionState.SUBMITTED, actor=submitted.admin
    )
    return draft, submitted, load_302()


def test_moving_a_draft_carries_flags_keeps_and_adds(admin_client, moving):
    draft, submitted, v302 = moving
    before_hash = submitted.revision.content_hash
    answers_before = draft.revision.answers.count()
    move_url = reverse("template-move", args=[v302.pk])

    preview = text(admin_client.post(move_url, {"all_drafts": "1"}))
    assert "Draft Energy Ltd" in preview and "Move these qualifications" in preview

    admin_client.post(
        move_url,
        {
            "qualifications": [draft.qualification.public_id, submitted.qualification.public_id],
            "apply": "1",
        },
    )

    draft.submission.refresh_from_db()
    revision = draft.revision
    assert draft.submission.template == v302 and revision.template == v302
    reworded = draft.answer("4.1.1")
    assert (reworded.value, reworded.needs_confirmation) == ("We ran PIT in house.", True)
    assert draft.answer("4.1.4").value is True and not draft.answer("4.1.4").needs_confirmation
    assert draft.answer("4.1.8").value is None, "the new question starts unanswered"
    orphan = OrphanedAnswer.objects.get(revision=revision)
    assert (orphan.question_ref, orphan.value, orphan.evidence[0]["title"]) == (
        "4.1.7",
        True,
        "log.csv",
    )
    assert not Answer.objects.filter(revision=revision, question__ref="4.1.7").exists()
    assert EvidenceLink.objects.get(revision=revision).question.template == v302
    move = TemplateMove.objects.get()
    assert (move.carried, move.reworded, move.orphaned, move.added) == (answers_before - 1, 1, 1, 1)
    assert revision.answers.count() == answers_before

    submitted.submission.refresh_from_db()
    assert str(submitted.submission.template) == "QAD v3.01", "submitted work stays"
    assert submitted.revision.content_hash == before_hash

    page = text(admin_client.get(reverse("submission-detail", args=[draft.submission.public_id])))
    assert "Answers kept from an earlier version" in page and "4.1.7 (QAD v3.01)" in page


def test_the_participant_confirms_a_reworded_answer(client, moving):
    draft, _submitted, v302 = moving
    from qad.services.moves import move_qualification

    move_qualification(
        qualification=draft.qualification, to_template=v302, by=UserFactory(is_staff=True)
    )
    client.force_login(draft.contributor)
    checklist = reverse("submission-checklist", args=[draft.submission.public_id])
    assert "The question was reworded; confirm your answer still fits." in text(
        client.get(checklist)
    )
    client.post(reverse("answer-confirm", args=[draft.submission.public_id, "4.1.1"]))
    assert not draft.answer("4.1.1").needs_confirmation
    assert "confirm your answer still fits" not in text(client.get(checklist))


def test_a_version_s_page_leads_to_each_code_body_s_criteria_for_it(admin_client, shipped_versions):
    template = QadTemplate.objects.get(version="3.01")

    page = text(admin_client.get(reverse("template-version", args=[template.pk])))

    assert "Criteria for this version, each with what changed from its previous version:" in page
    for code, version in (("BSC", "5.0"), ("REC", "2.0"), ("DIP", "1.1")):
        assert f"{code} criteria v{version}</a> (published)" in page
