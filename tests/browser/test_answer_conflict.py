"""Two colleagues on one answer, in a real browser: the second writer sees both texts, and
settling the conflict saves what they had typed elsewhere on the page too."""

import pytest
from playwright.sync_api import expect

from qad.services.answers import answer_save
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.browser.test_participant_journey import autosaved
from tests.participants import Participant, load_journey_template
from tests.qualification.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_second_writer_settles_the_conflict_and_loses_nothing(page, reference_data):
    load_journey_template()
    northwind = Participant()
    sign_in(page, northwind.contributor.email, PASSWORD)  # Ben
    page.goto(f"/submissions/{northwind.submission.public_id}/sections/4/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Testing")

    # Olivia saves 4.3 from her own desk after Ben opened the page.
    answer = northwind.answer("4.3")
    answer_save(answer=answer, value=412, expected_version=answer.version, by=northwind.admin)

    with autosaved(page, "4.3", "398"):
        page.locator("#q-4-3 input[type=number]").fill("398")
    conflict = page.locator("#q-4-3 .conflict")
    expect(conflict).to_contain_text("Olivia Hart changed this answer")
    expect(conflict).to_contain_text("412")
    violations = axe_violations(page)
    assert violations == [], f"conflict: {violations}"
    screenshot(page, "conflict")

    # Ben types a date and, before its autosave fires, keeps his own 4.3 at once.
    page.locator("#q-4-1 input[type=date]").fill("2025-03-01")
    page.locator("#q-4-3 input[type=number]").fill("405")
    with page.expect_navigation():
        conflict.get_by_role("button", name="Replace it with my version").click()
    expect(page.locator("#q-4-3 .conflict")).to_have_count(0)

    assert northwind.answer("4.3").value == 405
    assert northwind.answer("4.1").value == "2025-03-01", "the other answer was saved first"
    expect(page.locator("#q-4-1 input[type=date]")).to_have_value("2025-03-01")
