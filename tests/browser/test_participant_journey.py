"""A participant's whole QAD in a real browser: start, fill every answer type with autosave,
see the checklist empty, submit, and later sign. Every page is scanned with axe-core."""

import pytest
from playwright.sync_api import expect

from qad.enums import SubmissionState
from qad.services.submissions import final_qad_start, submission_transition
from qualification.enums import MembershipRole, QualificationState
from qualification.services import qualification_transition
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.qualification.factories import (
    PASSWORD,
    MpidFactory,
    OrganisationFactory,
    market_role,
    member_of,
)
from tests.version_files import JOURNEY_TEMPLATE, template_published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def northwind(reference_data):
    template_published("journey.yaml", JOURNEY_TEMPLATE)
    organisation = OrganisationFactory(legal_name="Northwind Energy Supply Ltd")
    MpidFactory(organisation=organisation, market_role=market_role("SUP"), code="NWES")
    admin = member_of(organisation, MembershipRole.ORG_ADMIN, full_name="Olivia Hart")
    signatory = member_of(organisation, MembershipRole.SIGNATORY, full_name="Margaret Lowe")
    return organisation, admin, signatory


def accessible(page, state: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{state}: {violations}"


def saved(page, anchor: str) -> None:
    expect(page.locator(f"#{anchor} .save-status")).to_contain_text("Saved at", timeout=10_000)


def autosaved(page, ref: str, value: str):
    """Wait for the autosave of question `ref` that carries `value`."""
    from urllib.parse import quote, quote_plus

    def matches(response) -> bool:
        body = response.request.post_data or ""
        return f"/answers/{ref}/" in response.url and any(
            form in body for form in (value, quote(value), quote_plus(value))
        )

    return page.expect_response(matches, timeout=15_000)


def type_and_wait(page, locator, value: str, ref: str) -> None:
    """Type, then wait for that question's own autosave of these words to come back."""
    with autosaved(page, ref, value):
        locator.fill(value)


def test_a_participant_starts_fills_in_and_submits_its_qad(page, northwind):
    _, admin, _ = northwind
    sign_in(page, admin.email, PASSWORD)
    accessible(page, "home")

    page.get_by_role("link", name="Start a qualification").click()
    accessible(page, "start, empty")
    page.get_by_role("button", name="Start the qualification").click()
    expect(
        page.locator("#error-summary").get_by_text("Choose at least one market role.")
    ).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused()  # read first, by any reader
    accessible(page, "start, errors")
    page.get_by_label("Supplier as NWES").check()
    page.get_by_label("Systems Integration Testing (SIT)").check()
    page.get_by_role("button", name="Start the qualification").click()

    expect(page.get_by_role("heading", name="Initial QAD")).to_be_visible()
    # The declaration belongs to the Final QAD: the Initial QAD neither lists nor asks it.
    expect(page.get_by_role("link", name="11 Declaration")).to_have_count(0)
    accessible(page, "overview")
    page.get_by_role("link", name="See what is still missing").click()
    expect(page.locator("#checklist-count")).to_contain_text("7 things still need doing")
    accessible(page, "checklist, full")

    page.get_by_role("link", name="3.1").click()
    accessible(page, "section 3, empty")
    type_and_wait(
        page,
        page.locator("#q-3-1 textarea"),
        "We run MHHS settlement in house with our own team.",
        "3.1",
    )
    saved(page, "q-3-1")
    with autosaved(page, "3.2", "yes"):
        page.locator("#q-3-2").get_by_label("Yes").check()
    saved(page, "q-3-2")
    with autosaved(page, "3.3", "provider"):
        page.locator("#q-3-3").get_by_label("With our provider").check()
    saved(page, "q-3-3")
    expect(page.locator("#section-progress")).to_contain_text("3 of 3 required answers")
    accessible(page, "section 3, saved")
    screenshot(page, "section-saved")

    page.get_by_role("button", name="Save and go to the next section").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Testing")
    type_and_wait(page, page.locator("#q-4-1 input[type=date]"), "2025-03-01", "4.1")
    saved(page, "q-4-1")
    page.locator("#q-4-2 input[type=date]").fill("2025-02-01")
    expect(page.locator("#q-4-2 .save-status")).to_contain_text(
        "This date is before the date given in 4.1"
    )
    accessible(page, "section 4, error")
    screenshot(page, "section-error")
    type_and_wait(page, page.locator("#q-4-2 input[type=date]"), "2025-06-30", "4.2")
    saved(page, "q-4-2")
    type_and_wait(page, page.locator("#q-4-3 input[type=number]"), "412", "4.3")
    saved(page, "q-4-3")
    table = page.locator("#q-4-4")
    type_and_wait(page, table.get_by_label("Defect reference, row 1"), "DEF-101", "4.4")
    type_and_wait(page, table.get_by_label("Due date, row 1"), "2026-12-31", "4.4")
    saved(page, "q-4-4")
    table.get_by_role("button", name="Add a row").click()
    type_and_wait(page, table.get_by_label("Defect reference, row 2"), "DEF-102", "4.4")
    saved(page, "q-4-4")
    accessible(page, "section 4, table rows")

    page.get_by_role("link", name="Ready to submit? See the checklist").click()
    expect(page.locator("#checklist-count")).to_contain_text("Nothing is missing")
    accessible(page, "checklist, empty")
    screenshot(page, "checklist-empty")
    page.get_by_role("button", name="Submit the Initial QAD").click()

    expect(page.get_by_text("This revision is read-only.")).to_be_visible()
    accessible(page, "overview, submitted")
    screenshot(page, "submitted")
    page.get_by_role("link", name="4 Testing").click()
    expect(page.get_by_text("This revision has been submitted and is read-only.")).to_be_visible()
    assert page.locator("[hx-post]").count() == 0
    assert page.locator("#q-4-4").get_by_label("Defect reference, row 2").input_value() == (
        "DEF-102"
    )
    accessible(page, "section, frozen")

    page.set_viewport_size({"width": 390, "height": 844})
    accessible(page, "section, frozen, phone width")


def test_a_signatory_signs_the_agreed_final_qad(page, northwind):
    from tests.participants import Participant
    from tests.qad.test_submit_and_sign import COMPLETE, fill
    from tests.qualification.factories import start_qualification

    organisation, admin, signatory = northwind
    participant = Participant.__new__(Participant)
    participant.organisation, participant.admin = organisation, admin
    participant.contributor = admin
    participant.qualification = start_qualification(organisation=organisation, created_by=admin)
    participant.submission = participant.qualification.submissions.get()
    fill(participant, COMPLETE)
    submission_transition(
        submission=participant.submission, target=SubmissionState.SUBMITTED, actor=admin
    )
    final = final_qad_start(qualification=participant.qualification, by=admin)
    submission_transition(submission=final, target=SubmissionState.SUBMITTED, actor=admin)
    for target in (SubmissionState.UNDER_REVIEW, SubmissionState.AGREED_COMPLETE):
        submission_transition(submission=final, target=target, actor=None)
    qualification_transition(
        qualification=participant.qualification,
        target=QualificationState.AWAITING_SIGNATURE,
        actor=None,
    )

    sign_in(page, signatory.email, PASSWORD)
    page.goto(f"/submissions/{final.public_id}/")
    page.get_by_role("link", name="Sign the Final QAD").click()
    accessible(page, "sign, empty")
    page.get_by_label("Your password").fill("wrong password entirely")
    page.get_by_label("I confirm the declaration above").check()
    page.get_by_role("button", name="Sign the QAD").click()
    expect(
        page.locator("#error-summary").get_by_text("That password is not right.")
    ).to_be_visible()
    accessible(page, "sign, error")

    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("I confirm the declaration above").check()
    page.get_by_role("button", name="Sign the QAD").click()

    expect(page.get_by_text("Signed by Margaret Lowe (Company Director)")).to_be_visible()
    accessible(page, "signed")
    screenshot(page, "signed")


def test_pqs_qualification_and_clarification_pages_are_accessible(page, northwind):
    from assessment.services.clarifications import clarification_raise, clarifications_send
    from qualification.models import Qualification, Wave
    from tests.participants import Participant
    from tests.qad.test_submit_and_sign import COMPLETE, fill
    from tests.qualification.factories import CodeBodyMemberFactory, code_body, start_qualification

    organisation, admin, _ = northwind
    Wave.objects.create(code="W7", name="Wave 7")
    sign_in(page, admin.email, PASSWORD)

    page.get_by_role("link", name="Start a qualification").click()
    page.get_by_role("link", name="Add an MPID").click()
    accessible(page, "add MPID")
    page.get_by_label("Market role").select_option(label="Advanced Data Service")
    page.get_by_label("MPID").fill("nw-1")
    page.get_by_role("button", name="Add the MPID").click()
    accessible(page, "add MPID, error")
    page.get_by_label("MPID").fill("NWAD")
    page.get_by_role("button", name="Add the MPID").click()

    page.get_by_label("Advanced Data Service as NWAD").check()
    page.get_by_label("Non-SIT Qualification Testing").check()
    page.get_by_role("button", name="Start the qualification").click()
    expect(page.get_by_role("heading", name="Pre-Qualification Submission")).to_be_visible()
    accessible(page, "PQS, empty")
    page.get_by_role("button", name="Save and submit to the Code Bodies").click()
    expect(page.get_by_text("Before submitting, give the preferred Wave")).to_be_visible()
    accessible(page, "PQS, error")
    page.get_by_label("Preferred Qualification Testing Wave").select_option(label="Wave 7")
    page.get_by_label("In-house PIT on our own systems").check()
    page.get_by_label("PIT starts").fill("2025-01-06")
    page.get_by_label("PIT ends").fill("2025-04-30")
    page.get_by_label("Target migration date").fill("2027-03-01")
    page.get_by_role("button", name="Save and submit to the Code Bodies").click()
    expect(page.get_by_text("PQS submitted to the Code Bodies.")).to_be_visible()
    accessible(page, "qualification with a submitted PQS")
    qualification = Qualification.objects.get(roles__mpid__code="NWAD")
    assert qualification.pre_qualification.state == "submitted"

    # A submitted QAD the BSC has asked about: the participant sees the thread.
    participant = Participant.__new__(Participant)
    participant.organisation, participant.admin, participant.contributor = (
        organisation,
        admin,
        admin,
    )
    participant.qualification = start_qualification(organisation=organisation, created_by=admin)
    participant.submission = participant.qualification.submissions.get()
    fill(participant, COMPLETE)
    submission_transition(
        submission=participant.submission, target=SubmissionState.SUBMITTED, actor=admin
    )
    assessor = CodeBodyMemberFactory(code_body=code_body("BSC")).user
    clarification_raise(
        submission=participant.submission,
        question=participant.answer("4.3").question,
        code_body=code_body("BSC"),
        text="Which pass count is right?",
        by=assessor,
    )
    clarifications_send(submission=participant.submission, code_body=code_body("BSC"), by=assessor)

    page.goto(f"/submissions/{participant.submission.public_id}/sections/4/")
    expect(page.get_by_text("Which pass count is right?")).to_be_visible()
    accessible(page, "section with a clarification")
    screenshot(page, "clarification")
    page.get_by_label("Your answer to this clarification").fill("412 includes retests.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.get_by_text("Your answer to the clarification on 4.3 is saved.")).to_be_visible()
    page.goto(f"/submissions/{participant.submission.public_id}/revisions/1/")
    accessible(page, "revision 1")
    page.goto(participant.qualification.get_absolute_url())
    accessible(page, "qualification with activity")
    screenshot(page, "qualification-activity")
