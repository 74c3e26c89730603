"""What a participant, an assessor and an organisation admin meet in a day, in Chromium at
1280 px and at 390 px: tables that fit, a focus ring that shows, their next step first, their
own people, per-file evidence types, and pages for the bad moments."""

import pytest
from playwright.sync_api import expect

from assessment.models import Review
from assessment.services.reviews import review_assign
from evidence.models import EvidenceItem
from qad.services.answers import answer_save, revision_recompute_completeness
from qad.services.submissions import submission_submit
from qualification.enums import CodeBodyRole
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.participants import Participant, load_journey_template
from tests.qad.test_submit_and_sign import fill
from tests.qualification.factories import PASSWORD, CodeBodyMemberFactory, UserFactory, code_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DEFECTS = [
    {
        "reference": f"DEF-{n}",
        "due": "2027-01-31",
    }
    for n in range(1, 4)
] + [{"reference": "DEF-4 " + "a long reference that wraps " * 3, "due": "2027-03-31"}]


def accessible(page, state: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{state}: {violations}"


def fits(page, selector: str) -> None:
    """Nothing of the element is cut off: it is as wide as the box that holds it, or less."""
    box = page.locator(selector).first
    expect(box).to_be_visible()
    overflow = box.evaluate("e => e.scrollWidth - e.clientWidth")
    assert overflow <= 1, f"{selector} is {overflow} px wider than its box"


@pytest.fixture
def submitted_with_a_table(reference_data):
    load_journey_template()
    northwind = Participant()
    fill(northwind)
    answer = northwind.answer("4.4")
    answer_save(answer=answer, value=DEFECTS, expected_version=answer.version, by=northwind.admin)
    submission_submit(submission=northwind.submission, by=northwind.admin, revision_number=1)
    return northwind


def test_a_table_answer_is_readable_at_1280_and_on_a_phone(page, submitted_with_a_table):
    lead = CodeBodyMemberFactory(
        code_body=code_body("BSC"), role=CodeBodyRole.LEAD_ASSESSOR, user__full_name="Helen Carter"
    ).user
    review = Review.objects.get(submission=submitted_with_a_table.submission, code_body__code="BSC")
    sign_in(page, lead.email, PASSWORD)
    page.goto(review.get_absolute_url())
    table = "#criterion-{} .answer-table-view".format(
        review.criteria_set.criteria.get(ref="BSC-4").pk
    )
    fits(page, table)
    expect(page.locator(table).get_by_text("DEF-4 a long reference")).to_be_visible()
    accessible(page, "review with a table answer")
    page.locator(table).scroll_into_view_if_needed()
    screenshot(page, "table-answer-1280")

    page.set_viewport_size(PHONE)
    page.reload()
    fits(page, table)
    cell = page.locator(table).get_by_text("31 Mar 2027")
    expect(cell).to_be_visible()
    accessible(page, "review with a table answer, phone")
    page.locator(table).scroll_into_view_if_needed()
    screenshot(page, "table-answer-390")


def test_the_focus_ring_shows_on_the_navbar(page, reference_data):
    admin = UserFactory(is_staff=True, full_name="Priya Shah")
    sign_in(page, admin.email, PASSWORD)
    link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Versions")

    def around() -> bytes:  # the ring is drawn just outside the link: its box and 8 px more
        box = link.bounding_box()
        return page.screenshot(
            clip={
                "x": box["x"] - 8,
                "y": box["y"] - 8,
                "width": box["width"] + 16,
                "height": box["height"] + 16,
            }
        )

    before = around()
    page.keyboard.press("Tab")  # the skip link first, then the portal's name, then Home
    for _ in range(10):
        if link.evaluate("e => e === document.activeElement"):
            break
        page.keyboard.press("Tab")
    assert link.evaluate("e => e === document.activeElement")
    ring = link.evaluate(
        "e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineColor"
    )
    assert ring == "solid rgb(255, 221, 0)"
    assert around() != before, "the focused link looks different"
    screenshot(page, "navbar-focus")


def test_the_section_page_skips_to_the_questions(page, reference_data):
    load_journey_template()
    northwind = Participant()
    sign_in(page, northwind.contributor.email, PASSWORD)
    page.goto(f"/submissions/{northwind.submission.public_id}/sections/4/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the questions")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    first = page.locator("#questions :is(input:not([type=hidden]), textarea, select):visible").first
    expect(first).to_be_focused()


def test_next_actions_first_on_the_home_page_for_three_kinds_of_people(page, reference_data):
    load_journey_template()
    northwind = Participant()
    revision_recompute_completeness(revision_id=northwind.revision.pk)
    brightwatt = Participant("Brightwatt Energy Ltd")
    fill(brightwatt)
    submission_submit(submission=brightwatt.submission, by=brightwatt.admin, revision_number=1)
    lead = CodeBodyMemberFactory(
        code_body=code_body("BSC"), role=CodeBodyRole.LEAD_ASSESSOR, user__full_name="Helen Carter"
    ).user
    assessor = CodeBodyMemberFactory(
        code_body=code_body("BSC"), role=CodeBodyRole.ASSESSOR, user__full_name="James Whitfield"
    ).user
    review = Review.objects.get(submission=brightwatt.submission, code_body__code="BSC")
    review_assign(review=review, assignee=assessor, by=lead)
    admin = UserFactory(is_staff=True, full_name="Priya Shah")

    for who, user, first in (
        ("participant", northwind.contributor, "Continue section 3 of your Initial QAD"),
        ("assessor", assessor, "2 criteria to assess for Brightwatt Energy Ltd"),
        ("portal-admin", admin, None),
    ):
        sign_in(page, user.email, PASSWORD)
        if first:
            actions = page.locator(".next-actions a")
            expect(actions.first).to_have_text(first)
        accessible(page, f"home page, {who}")
        screenshot(page, f"home-{who}")
        page.set_viewport_size(PHONE)
        page.reload()
        accessible(page, f"home page, {who}, phone")
        screenshot(page, f"home-{who}-390")
        page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, northwind.contributor.email, PASSWORD)
    page.locator(".next-actions a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Participant")


def test_an_organisation_admin_manages_people_and_sees_why_a_refusal_happened(page, reference_data):
    load_journey_template()
    northwind = Participant()
    sign_in(page, northwind.admin.email, PASSWORD)
    page.get_by_role("link", name="People").click()
    expect(
        page.get_by_role("heading", name="People of Northwind Energy Supply Ltd")
    ).to_be_visible()
    accessible(page, "organisation people")
    form = page.locator("form", has=page.get_by_role("button", name="Invite"))
    form.get_by_label("Name").fill("Ravi Kumar")
    form.get_by_label("E-mail address").fill("ravi at northwind")
    form.get_by_role("button", name="Invite").click()
    expect(page.locator(".alert-danger")).to_contain_text("Enter the person's e-mail address.")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Ravi Kumar")
    accessible(page, "organisation people, refused")
    screenshot(page, "people-refused")
    page.get_by_label("E-mail address").fill("ravi@northwind.example")
    page.get_by_role("button", name="Invite").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "Invitation sent to ravi@northwind.example"
    )
    screenshot(page, "people-org-admin")
    page.set_viewport_size(PHONE)
    page.reload()
    accessible(page, "organisation people, phone")
    screenshot(page, "people-org-admin-390")


def test_each_file_of_a_batch_gets_its_own_type(page, reference_data, tmp_path):
    load_journey_template()
    northwind = Participant()
    first, second = tmp_path / "procedures.txt", tmp_path / "annex.txt"
    first.write_text("Our procedures.\n")
    second.write_text("An annex.\n")
    sign_in(page, northwind.contributor.email, PASSWORD)
    page.goto(f"/submissions/{northwind.submission.public_id}/evidence/")
    upload = page.locator("form[data-upload-form]").first
    upload.locator("input[type=file]").set_input_files([str(first), str(second)])
    each = page.locator(".upload-each fieldset")
    expect(each).to_have_count(2)
    accessible(page, "register, two files chosen")
    screenshot(page, "upload-per-file-types")
    each.nth(1).get_by_label("Title (optional)").fill("Annex to the procedures")
    upload.locator("select[name=questions]").select_option(index=0)
    upload.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("“Annex to the procedures” uploaded")).to_be_visible()
    assert set(EvidenceItem.objects.values_list("title", flat=True)) == {
        "procedures.txt",
        "Annex to the procedures",
    }


def test_the_pages_for_the_bad_moments(page, reference_data):
    load_journey_template()
    northwind = Participant()
    sign_in(page, northwind.contributor.email, PASSWORD)
    response = page.goto("/submissions/00000000-0000-0000-0000-000000000000/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    accessible(page, "not found")
    screenshot(page, "error-404")
    response = page.goto(f"/organisations/{northwind.organisation.public_id}/people/")
    assert response.status == 403
    accessible(page, "forbidden")
    screenshot(page, "error-403")
