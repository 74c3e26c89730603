"""The list of sections beside each section page shows how far each section has got."""

import re

import pytest
from django.test import TestCase
from django.urls import reverse

from qad.services.answers import revision_recompute_completeness
from tests.portal.test_sections import autosave, section_url

pytestmark = pytest.mark.django_db


def nav_line(page: str, ref: str) -> str:
    nav = page.split('class="section-nav"', 1)[1].split("</nav>", 1)[0]
    for item in re.findall(r"<li.*?</li>", nav, re.S):
        if f">{ref} " in item:
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()
    raise AssertionError(f"section {ref} is not in the list")


def test_each_section_in_the_list_shows_its_required_answers_done(client, northwind):
    revision_recompute_completeness(revision_id=northwind.revision.pk)  # as when it started
    client.force_login(northwind.contributor)
    with TestCase.captureOnCommitCallbacks(execute=True):  # the progress is counted after
        autosave(client, northwind, "3.1", value="We run MHHS in house.")
    page = client.get(section_url(northwind, "4")).content.decode()
    assert "1 of 3 required answers" in nav_line(page, "3")
    assert reverse("submission-section", args=[northwind.submission.public_id, "3"]) in page


def header_counts(page: str) -> tuple[int, int]:
    found = re.search(r"(\d+) of (\d+) required answers in this section", page)
    assert found, "the section's header shows its progress"
    return int(found[1]), int(found[2])


def test_the_header_the_list_and_the_checklist_agree_on_an_answer_missing_its_evidence(
    client, shipped_versions
):
    from qualification.enums import Route
    from tests.participants import Participant

    # 3.6 takes a reference and requires the accepted PQS attached: answered without the file
    # it is not complete, wherever the portal counts it.
    quayside = Participant("Quayside Supply Ltd", route=Route.QT)
    revision_recompute_completeness(revision_id=quayside.revision.pk)
    client.force_login(quayside.contributor)
    before = header_counts(client.get(section_url(quayside, "3")).content.decode())

    with TestCase.captureOnCommitCallbacks(execute=True):
        saved = autosave(client, quayside, "3.6", value="PQS-2026-0042")
    page = client.get(section_url(quayside, "3")).content.decode()
    checklist = client.get(
        reverse("submission-checklist", args=[quayside.submission.public_id])
    ).content.decode()

    assert header_counts(saved.content.decode()) == before, "the save's progress line"
    assert header_counts(page) == before, "the answer alone does not complete 3.6"
    done, required = before
    assert f"{done} of {required} required answers" in nav_line(page, "3")
    assert "Attach evidence: Pre-Qualification Submission." in re.sub(r"\s+", " ", checklist)
