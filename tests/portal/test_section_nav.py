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
