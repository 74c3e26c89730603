"""A section taken out as a Word document in Chromium, changed as in Word, brought back: the
preview shows each change before anything is saved, and the ticked ones are saved."""

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.participants import Participant, load_journey_template
from tests.qad.test_submit_and_sign import fill
from tests.qad.test_word_import import _saved, _type
from tests.qualification.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_section_goes_out_to_word_and_comes_back_with_a_preview(page, reference_data, tmp_path):
    load_journey_template()
    northwind = Participant()
    fill(northwind)
    sign_in(page, northwind.contributor.email, PASSWORD)
    page.goto(f"/submissions/{northwind.submission.public_id}/sections/3/")

    with page.expect_download() as downloaded:
        page.get_by_role("link", name="Download this section as a Word document").click()
    document = Document(downloaded.value.path())
    _type(document, "3.1", "We run MHHS with GridSoft as our agent.")
    _type(document, "3.2", "Maybe")
    filled = tmp_path / "section-3-filled.docx"
    filled.write_bytes(_saved(document))

    page.goto(f"/submissions/{northwind.submission.public_id}/")
    page.get_by_role("link", name="Bring back a filled Word document").click()
    page.get_by_label("Filled Word document (.docx)").set_input_files(str(filled))
    page.get_by_role("button", name="Read the document").click()

    expect(page.get_by_text("would change 1 answer")).to_be_visible()
    expect(page.get_by_text("“Maybe” is not Yes or No")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "word-import-preview")
    page.get_by_role("button", name="Save the ticked changes").click()

    expect(page.get_by_text("Saved from the document: 3.1.")).to_be_visible()
    assert northwind.answer("3.1").value == "We run MHHS with GridSoft as our agent."
    assert northwind.answer("3.2").value is True
