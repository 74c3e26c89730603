"""A portal admin loads QAD v3.02, compares it, publishes it and moves a draft onto it, then
reads the programme dashboard. Every page is scanned with axe-core."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from qad.services.answers import answer_save
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.participants import Participant
from tests.qualification.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

V302 = Path(__file__).resolve().parents[1] / "data" / "qad-v3.02.yaml"
BAD = b"format: qad-template/1\nversion: 3.1\n"


def accessible(page, state: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{state}: {violations}"


def accept_every_gap(page, reason: str) -> None:
    form = page.locator("#publish-without-criteria")
    for box in form.get_by_role("checkbox").all():
        box.check()
    form.get_by_label("Why").fill(reason)


def test_upload_compare_publish_move_and_dashboard(page, shipped_versions, tmp_path):
    draft = Participant("Draft Energy Ltd")
    answer = draft.answer("4.1.1")
    answer_save(
        answer=answer, value="We ran PIT in house.", expected_version=0, by=draft.contributor
    )
    admin = UserFactory(is_staff=True, full_name="Priya Shah")
    sign_in(page, admin.email, PASSWORD)

    page.get_by_role("link", name="Versions", exact=True).first.click()
    accessible(page, "versions")
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(BAD)
    page.get_by_label("Version file (YAML)").set_input_files(str(bad))
    page.get_by_role("button", name="Check and load as a draft").click()
    expect(page.locator("#upload-problems")).to_contain_text("nothing was saved")
    accessible(page, "versions, errors")

    page.get_by_label("Version file (YAML)").set_input_files(str(V302))
    page.get_by_role("button", name="Check and load as a draft").click()
    expect(page.get_by_role("heading", name="Changes since QAD v3.01")).to_be_visible()
    expect(page.get_by_text("1 reworded · 1 added · 1 removed")).to_be_visible()
    accessible(page, "comparison")
    screenshot(page, "comparison")

    # No Code Body has criteria for v3.02 yet: publishing is refused until the admin accepts
    # each gap and says why.
    publish_without_criteria = page.get_by_role("button", name="Publish without their criteria")
    publish_without_criteria.click()
    expect(page.get_by_text("QAD v3.02 cannot be published: BSC, REC, DIP")).to_be_visible()
    accessible(page, "publish refused")
    accept_every_gap(page, "Criteria for v3.02 are being written")
    screenshot(page, "publish-without-criteria")
    publish_without_criteria.click()
    expect(page.get_by_text("QAD v3.02 is published")).to_be_visible()
    page.get_by_role("link", name="Move work in flight to this version").click()
    page.get_by_role("button", name="Preview all drafts not yet submitted").click()
    expect(page.get_by_role("heading", name="Preview")).to_be_visible()
    accessible(page, "move preview")
    page.get_by_role("button", name="Move these qualifications").click()
    expect(page.get_by_text("Draft Energy Ltd: moved:")).to_be_visible()

    sign_in(page, draft.contributor.email, PASSWORD)
    page.goto(f"/submissions/{draft.submission.public_id}/sections/4.1/")
    expect(page.get_by_text("This question was reworded")).to_be_visible()
    accessible(page, "section with a reworded question")
    page.get_by_role("button", name="It still fits").click()
    expect(page.get_by_text("Confirmed: your answer to 4.1.1 still fits.")).to_be_visible()

    sign_in(page, admin.email, PASSWORD)
    page.goto("/programme/")
    expect(page.get_by_role("heading", name="Programme dashboard")).to_be_visible()
    accessible(page, "dashboard")
    screenshot(page, "dashboard")
    page.goto("/people/")
    accessible(page, "people")
    page.goto("/organisations/")
    accessible(page, "organisations")


def test_a_renumbered_question_is_shown_moved_and_keeps_its_answer(page, reference_data, tmp_path):
    from tests.participants import load_journey_template
    from tests.qad.test_version_mapping import following, question, renumbered
    from tests.version_files import as_bytes

    load_journey_template()
    draft = Participant("Draft Energy Ltd")
    answer = draft.answer("3.1")
    answer_save(
        answer=answer, value="We run settlement in house.", expected_version=0, by=draft.contributor
    )
    document = following("99.3", removed=[{"ref": "4.4", "reason": "Tracked as work-off."}])
    renumbered(document, "3.1", "3.4")
    question(document, "3.4")["prompt"] = "Describe your MHHS operating model."
    next(s for s in document["sections"] if s["ref"] == "4")["questions"].remove(
        question(document, "4.4")
    )
    path = tmp_path / "journey-99.3.yaml"
    path.write_bytes(as_bytes(document))
    admin = UserFactory(is_staff=True, full_name="Priya Shah")
    sign_in(page, admin.email, PASSWORD)

    page.goto("/versions/")
    page.get_by_label("Version file (YAML)").set_input_files(str(path))
    page.get_by_role("button", name="Check and load as a draft").click()
    expect(page.get_by_role("heading", name="Changes since QAD v99.0")).to_be_visible()
    changes = page.locator("table").first
    expect(changes).to_contain_text("renumbered")
    expect(changes).to_contain_text("Tracked as work-off.")
    accessible(page, "comparison with a mapping")
    screenshot(page, "comparison-mapping")

    accept_every_gap(page, "The journey's criteria follow")
    page.get_by_role("button", name="Publish without their criteria").click()
    page.get_by_role("link", name="Move work in flight to this version").click()
    page.get_by_role("button", name="Preview all drafts not yet submitted").click()
    expect(page.get_by_text("3.1 → 3.4 (renumbered)")).to_be_visible()
    expect(page.get_by_text("4.4: the question was removed")).to_be_visible()
    accessible(page, "move preview with a mapping")
    screenshot(page, "move-preview-mapping")
    page.get_by_role("button", name="Move these qualifications").click()
    expect(page.get_by_text("Draft Energy Ltd: moved:")).to_be_visible()

    sign_in(page, draft.contributor.email, PASSWORD)
    page.goto(f"/submissions/{draft.submission.public_id}/sections/3/")
    expect(page.locator("#q-3-4 textarea")).to_have_value("We run settlement in house.")
    screenshot(page, "renumbered-answer")
