"""A person makes an API token in Chromium, copies it once, reads the API's documentation
under the portal's Content Security Policy, and revokes the token."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.participants import Participant, load_journey_template
from tests.qualification.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_token_is_made_shown_once_documented_and_revoked(page, reference_data):
    load_journey_template()
    northwind = Participant()
    sign_in(page, northwind.contributor.email, PASSWORD)

    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    page.get_by_label("Name").fill("Compliance tracker")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Make the token").click()

    secret = page.locator("#token-secret").inner_text()
    assert secret.startswith("qad_")
    expect(page.get_by_text("it is shown only this once")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "api-token-made")

    page.reload()
    expect(page.locator("#token-secret")).to_have_count(0)
    expect(page.get_by_role("cell", name="Read and write")).to_be_visible()

    page.get_by_role("link", name="The API's documentation").click()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("QAD Portal API")
    expect(
        page.get_by_text("/api/v1/submissions/{public_id}/answers/{question_ref}/").first
    ).to_be_visible()
    screenshot(page, "api-docs")

    page.go_back()
    page.get_by_role("button", name="Revoke Compliance tracker").click()
    expect(page.get_by_text("no longer works")).to_be_visible()
    expect(page.get_by_text("Revoked")).to_be_visible()
    screenshot(page, "api-token-revoked")
