"""A participant signs in with a real browser and lands on an accessible home page."""

import pytest

from qualification.enums import MembershipRole, Route
from tests.browser.conftest import axe_violations, screenshot, sign_in
from tests.qualification.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    start_qualification,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_participant_signs_in_and_sees_its_qualification(page, shipped_versions):
    northwind = OrganisationFactory(legal_name="Northwind Energy Supply Ltd")
    start_qualification(organisation=northwind, role_codes=("SUP",), route=Route.SIT)
    user = MembershipFactory(organisation=northwind, role=MembershipRole.ORG_ADMIN).user

    page.goto("/login/")
    assert axe_violations(page) == []
    page.get_by_label("Password").fill("wrong password")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("That e-mail address and password")
    assert axe_violations(page) == []

    sign_in(page, user.email, PASSWORD)

    # Their next step first, then their organisation's qualifications.
    headings = page.get_by_role("heading", level=2)
    assert headings.nth(0).inner_text() == "What to do next"
    assert headings.nth(1).inner_text() == "Northwind Energy Supply Ltd"
    assert page.get_by_role("link", name="Supplier").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "home-participant")

    page.set_viewport_size({"width": 390, "height": 844})
    assert axe_violations(page) == []
    screenshot(page, "home-participant-phone")
