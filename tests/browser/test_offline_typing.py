"""The network goes while a participant is typing: the text stays in the box and in the
browser, the page says it is not saved yet, leaving asks first, and once the connection is
back the text is saved; a tab closed offline gives its text back on the next visit."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_participant_journey import autosaved
from tests.participants import Participant, load_journey_template
from tests.qualification.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KEPT = "localStorage.length"


@pytest.fixture
def writing(page, reference_data):
    """Ben, signed in, on section 3 of Northwind's Initial QAD: (participant, its URL)."""
    load_journey_template()
    northwind = Participant()
    sign_in(page, northwind.contributor.email, PASSWORD)
    section = f"/submissions/{northwind.submission.public_id}/sections/3/"
    page.goto(section)
    return northwind, section


def test_text_typed_while_offline_is_kept_and_saved_when_the_network_returns(page, writing):
    northwind, _section = writing
    box = page.locator("#q-3-1 textarea")
    status = page.locator("#q-3-1 .save-status")

    page.context.set_offline(True)
    box.fill("Typed on the train, with the network cut.")
    expect(status).to_contain_text("Not saved yet: the connection is lost", timeout=10_000)
    assert page.evaluate(KEPT) == 1, "the text is kept in the browser"
    expect(box).to_have_value("Typed on the train, with the network cut.")
    screenshot(page, "offline-not-saved-yet")

    # Leaving now would lose the text: the browser asks first.
    blocked = page.evaluate(
        "(() => { const e = new Event('beforeunload', {cancelable: true});"
        " window.dispatchEvent(e); return e.defaultPrevented; })()"
    )
    assert blocked, "leaving with unsent text asks first"

    with autosaved(page, "3.1", "Typed on the train, with the network cut."):
        page.context.set_offline(False)
    expect(status).to_contain_text("Saved at")
    assert northwind.answer("3.1").value == "Typed on the train, with the network cut."
    assert page.evaluate(KEPT) == 0, "forgotten once the server has it"
    screenshot(page, "offline-saved-on-return")


def test_a_tab_closed_offline_gives_its_text_back_on_the_next_visit(page, writing):
    northwind, section = writing
    page.context.set_offline(True)
    page.locator("#q-3-1 textarea").fill("Written before the laptop lid closed.")
    expect(page.locator("#q-3-1 .save-status")).to_contain_text("Not saved yet")
    context = page.context
    page.close()
    context.set_offline(False)

    again = context.new_page()
    with autosaved(again, "3.1", "Written before the laptop lid closed."):
        again.goto(section)
    expect(again.locator("#q-3-1 textarea")).to_have_value("Written before the laptop lid closed.")
    expect(again.locator("#q-3-1 .save-status")).to_contain_text("Saved at")
    assert northwind.answer("3.1").value == "Written before the laptop lid closed."
