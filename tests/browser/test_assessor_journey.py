"""An assessor's journey in a real browser: from the queue to a clarification, the
participant's answer, the changes, completion, signature and approval by each Code Body."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from qad.services.submissions import final_qad_start, submission_submit
from qualification.enums import CodeBodyRole
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.participants import Participant, declare, load_journey_template
from tests.qad.test_submit_and_sign import fill
from tests.qualification.factories import PASSWORD, CodeBodyMemberFactory, UserFactory, code_body

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def accessible(page, state: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{state}: {violations}"


def member(code, role, name):
    return CodeBodyMemberFactory(code_body=code_body(code), role=role, user__full_name=name).user


def outcome(page, ref: str, label: str, comment: str = "", question: str = "") -> None:
    card = page.locator("section.card", has=page.get_by_role("heading", name=ref))
    card.get_by_label(label, exact=True).check()
    if question:
        card.get_by_label("Question a clarification is about").select_option(label=question)
    if comment:
        card.get_by_label("Comment (what the participant should know or do)").fill(comment)
    code = ref.split()[0]
    card.get_by_role("button", name=f"Save the outcome for {code}").click()
    # Saved in place ("… recorded as “Met” at …"), or with the page drawn again when the
    # outcome drafts a clarification.
    expect(page.get_by_text(re.compile(rf"{code} recorded")).first).to_be_visible()


def complete(page, code: str, email: str) -> None:
    sign_in(page, email, PASSWORD)
    page.goto(f"/code-bodies/{code}/queue/")
    page.get_by_role("link", name="Northwind Energy Supply Ltd").first.click()
    page.get_by_role("button", name=f"Mark the {code} assessment complete").click()
    expect(page.get_by_text(f"{code} assessment marked complete.")).to_be_visible()


def test_from_queue_to_qualified(page, reference_data):
    load_journey_template()
    bsc_lead = member("BSC", CodeBodyRole.LEAD_ASSESSOR, "Helen Carter")
    bsc = member("BSC", CodeBodyRole.ASSESSOR, "James Whitfield")
    rec_lead = member("REC", CodeBodyRole.LEAD_ASSESSOR, "Owen Price")
    dip_lead = member("DIP", CodeBodyRole.LEAD_ASSESSOR, "Grace Kim")
    northwind = Participant()
    fill(northwind)
    submission_submit(submission=northwind.submission, by=northwind.admin, revision_number=1)

    # The BSC assessor picks the submission from the queue and asks about the pass count.
    sign_in(page, bsc.email, PASSWORD)
    page.get_by_role("link", name="Open the work queue").click()
    accessible(page, "queue")
    screenshot(page, "queue")
    page.get_by_role("link", name="Northwind Energy Supply Ltd").click()
    page.get_by_role("button", name="Pick this up").click()
    accessible(page, "review screen")
    outcome(page, "BSC-3 Operating model described", "Met")
    outcome(
        page,
        "BSC-4 Testing complete",
        "Clarification needed",
        "Your exit report says 398 passed; which is right?",
        question="4.3",
    )
    screenshot(page, "review-screen")
    page.get_by_role("button", name="Send the clarifications to the participant").click()
    expect(page.get_by_text("1 clarification(s) sent to the participant.")).to_be_visible()

    # The participant answers in the thread, corrects 4.3 and resubmits.
    sign_in(page, northwind.admin.email, PASSWORD)
    page.goto(f"/submissions/{northwind.submission.public_id}/sections/4/")
    page.get_by_label("Your answer to this clarification").fill(
        "398 is right; the 412 included retests."
    )
    page.get_by_role("button", name="Send answer").click()
    number = page.locator("#q-4-3 input[type=number]")
    with page.expect_response(
        lambda r: "/answers/4.3/" in r.url and "398" in (r.request.post_data or "")
    ):
        number.fill("398")
    page.goto(f"/submissions/{northwind.submission.public_id}/")
    page.get_by_role("button", name="Submit the Initial QAD").click()
    expect(page.get_by_text("This revision is read-only.")).to_be_visible()

    # The assessor sees what changed and completes; the other Code Bodies complete too.
    sign_in(page, bsc.email, PASSWORD)
    page.goto("/code-bodies/BSC/queue/")
    page.get_by_role("link", name="Northwind Energy Supply Ltd").click()
    page.get_by_role("link", name="What changed since the last review").click()
    expect(page.locator("del")).to_contain_text("412")
    expect(page.locator("ins")).to_contain_text("398")
    accessible(page, "changes")
    screenshot(page, "changes")
    page.go_back()
    outcome(page, "BSC-4 Testing complete", "Met")
    complete(page, "BSC", bsc_lead.email)
    sign_in(page, rec_lead.email, PASSWORD)
    page.goto("/code-bodies/REC/queue/")
    page.get_by_role("link", name="Northwind Energy Supply Ltd").click()
    outcome(page, "REC-3 Operating model described", "Met")
    complete(page, "REC", rec_lead.email)
    complete(page, "DIP", dip_lead.email)

    # The Final QAD goes the same way, quickly; then the Director signs.
    final = final_qad_start(qualification=northwind.qualification, by=northwind.admin)
    declare(final, by=northwind.admin)
    submission_submit(submission=final, by=northwind.admin, revision_number=1)
    for email, code, refs in (
        (bsc.email, "BSC", ["BSC-3 Operating model described", "BSC-4 Testing complete"]),
        (rec_lead.email, "REC", ["REC-3 Operating model described"]),
    ):
        sign_in(page, email, PASSWORD)
        page.goto(f"/code-bodies/{code}/queue/")
        page.get_by_role("link", name="Northwind Energy Supply Ltd").click()
        for ref in refs:
            outcome(page, ref, "Met")
    complete(page, "BSC", bsc_lead.email)
    complete(page, "REC", rec_lead.email)
    complete(page, "DIP", dip_lead.email)
    sign_in(page, northwind.signatory.email, PASSWORD)
    page.goto(f"/submissions/{final.public_id}/sign/")
    page.get_by_label("I confirm the declaration above").check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign the QAD").click()
    expect(page.get_by_text("Signed by Margaret Lowe")).to_be_visible()

    # Approval by each Code Body; the BSC schedules its board meeting first.
    for email in (dip_lead.email, rec_lead.email):
        sign_in(page, email, PASSWORD)
        page.goto(northwind.qualification.get_absolute_url())
        if email == dip_lead.email:
            screenshot(page, "approval-decision-form")
        page.get_by_label("Decision").select_option(label="Approved")
        page.get_by_role("button", name="Check the decision").click()
        # Read back before anything is written: who, which role, which body, what.
        summary = page.locator(".decision-summary")
        expect(summary).to_contain_text("Northwind Energy Supply Ltd")
        expect(summary).to_contain_text("Supplier")
        expect(summary).to_contain_text("Approved")
        if email == dip_lead.email:
            accessible(page, "approval decision, confirmation")
            screenshot(page, "approval-confirmation")
        page.get_by_role("button", name="Confirm and record the decision").click()
        expect(page.get_by_text("Decision recorded.")).to_be_visible()
    sign_in(page, bsc_lead.email, PASSWORD)
    page.goto(northwind.qualification.get_absolute_url())
    # The board meets today: its decision can be recorded from the day it meets.
    page.get_by_label("Board meeting date").fill(dt.date.today().isoformat())
    page.get_by_role("button", name="Schedule").click()
    page.get_by_label("Decision").select_option(label="Approved")
    page.get_by_role("button", name="Check the decision").click()
    expect(page.locator(".decision-summary")).to_contain_text("Performance Assurance Board")
    page.get_by_role("button", name="Confirm and record the decision").click()
    expect(page.locator(".state-badge").first).to_have_text("Service activation")
    accessible(page, "qualification, qualified")
    screenshot(page, "qualified")

    # Service Activation: each step in order, by whom the Programme's checklist names.
    sign_in(page, dip_lead.email, PASSWORD)
    page.goto(northwind.qualification.get_absolute_url() + "#activation")
    page.get_by_role("button", name="Confirm Production DIP connection enabled").click()
    expect(page.get_by_text("Recorded: Production DIP connection enabled.")).to_be_visible()
    programme = UserFactory(is_staff=True, full_name="Priya Shah")
    sign_in(page, programme.email, PASSWORD)
    page.goto(northwind.qualification.get_absolute_url() + "#activation")
    page.get_by_role(
        "button", name="Confirm Market Domain Data and Industry Standing Data entries confirmed"
    ).click()
    page.get_by_label("The Programme's conclusion (optional)").fill(
        "No work-off item is open; nothing holds activation back."
    )
    page.get_by_role("button", name="Record the review").click()
    expect(
        page.get_by_text("Recorded: Open work-off plans reviewed by the Programme.")
    ).to_be_visible()
    expect(page.locator("#activation ~ ol")).to_contain_text(
        "No work-off item was open when reviewed."
    )
    accessible(page, "qualification, service activation")
    screenshot(page, "service-activation")
