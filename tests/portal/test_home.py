"""Signing in and the home page each kind of user lands on."""

import re

import pytest
from django.urls import reverse

from qad.enums import SubmissionState
from qad.models import Submission
from qad.services.submissions import submission_transition
from qualification.enums import CodeBodyRole, MembershipRole, Route
from tests.qualification.factories import (
    PASSWORD,
    CodeBodyMemberFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    code_body,
    start_qualification,
)

pytestmark = pytest.mark.django_db


def submit(qualification):
    admin = MembershipFactory(
        organisation=qualification.organisation, role=MembershipRole.ORG_ADMIN
    ).user
    submission = Submission.objects.get(qualification=qualification)
    submission_transition(submission=submission, target=SubmissionState.SUBMITTED, actor=admin)
    return submission


@pytest.fixture
def world():
    """Two participants, one with a submitted QAD, so that one could leak to the other."""
    northwind = OrganisationFactory(legal_name="Northwind Energy Supply Ltd")
    meterline = OrganisationFactory(legal_name="Meterline Metering Services Ltd")
    supplier = start_qualification(organisation=northwind, role_codes=("SUP",), route=Route.SIT)
    metering = start_qualification(organisation=meterline, role_codes=("MSA",), route=Route.SIT)
    submit(supplier)
    submit(metering)
    return {
        "northwind": northwind,
        "meterline": meterline,
        "supplier": supplier,
        "metering": metering,
    }


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, "sign-in failed"
    return client.get(reverse("home"))


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize(
    "role", [MembershipRole.CONTRIBUTOR, MembershipRole.SIGNATORY, MembershipRole.ORG_ADMIN]
)
def test_a_participant_sees_its_own_qualifications_and_no_one_elses(client, world, role):
    user = MembershipFactory(organisation=world["northwind"], role=role).user

    page = text_of(sign_in(client, user))

    assert "Northwind Energy Supply Ltd" in page
    assert "Supplier (" in page
    assert "Meterline" not in page
    assert "Metering Service Advanced" not in page


@pytest.mark.parametrize("role", [CodeBodyRole.ASSESSOR, CodeBodyRole.LEAD_ASSESSOR])
def test_an_assessor_sees_what_waits_for_its_code_body_only(client, world, role):
    bsc_user = CodeBodyMemberFactory(code_body=code_body("BSC"), role=role).user

    page = text_of(sign_in(client, bsc_user))

    assert "Waiting for Balancing and Settlement Code (Elexon)" in page
    assert "Northwind Energy Supply Ltd" in page, "BSC approves Suppliers"
    assert "Meterline" not in page, "BSC does not approve Metering Services"


def test_the_rec_sees_both_a_supplier_and_a_metering_service(client, world):
    rec_user = CodeBodyMemberFactory(code_body=code_body("REC")).user
    page = text_of(sign_in(client, rec_user))
    assert "Northwind Energy Supply Ltd" in page and "Meterline Metering Services Ltd" in page


def test_a_portal_admin_sees_programme_counts(client, world):
    admin = UserFactory(is_staff=True)
    page = text_of(sign_in(client, admin))
    assert "Programme at a glance" in page
    assert re.search(r"<p class=\"h3 mb-0\">2</p><p class=\"mb-0 small\">organisations", page)
    assert "Administration" in page


def test_a_user_with_no_organisation_or_code_body_is_told_what_to_do(client):
    page = text_of(sign_in(client, UserFactory()))
    assert "not yet linked to an organisation or a Code Body" in page


def test_a_wrong_password_is_refused_with_a_clear_message(client):
    user = UserFactory()
    response = client.post(reverse("login"), {"username": user.email, "password": "wrong"})
    assert response.status_code == 200
    assert "That e-mail address and password do not match an account" in text_of(response)
    assert "_auth_user_id" not in client.session


def test_the_home_page_needs_a_signed_in_user(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_a_participant_opens_its_own_qualification(client, world):
    user = MembershipFactory(organisation=world["northwind"]).user
    sign_in(client, user)
    response = client.get(world["supplier"].get_absolute_url())
    assert response.status_code == 200
    page = text_of(response)
    assert "Northwind Energy Supply Ltd" in page
    assert "BSC Performance Assurance Board" in page


def test_another_organisations_qualification_does_not_exist_for_a_participant(client, world):
    user = MembershipFactory(organisation=world["northwind"], role=MembershipRole.ORG_ADMIN).user
    sign_in(client, user)
    response = client.get(world["metering"].get_absolute_url())
    assert response.status_code == 404


def test_an_assessor_cannot_open_a_qualification_its_code_body_does_not_approve(client, world):
    bsc_user = CodeBodyMemberFactory(code_body=code_body("BSC")).user
    sign_in(client, bsc_user)
    assert client.get(world["metering"].get_absolute_url()).status_code == 404
    assert client.get(world["supplier"].get_absolute_url()).status_code == 200


def test_signing_out_ends_the_session(client, world):
    user = MembershipFactory(organisation=world["northwind"]).user
    sign_in(client, user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302
