"""Model rules a participant would run into: MPIDs, company numbers, e-mail logins."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from qualification.models import Mpid, Organisation, User
from qualification.services import organisation_create
from tests.qualification.factories import MpidFactory, OrganisationFactory, UserFactory, market_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["NWES", "AB12", "0001"])
def test_an_mpid_of_four_upper_case_letters_or_digits_is_accepted(code):
    mpid = Mpid(organisation=OrganisationFactory(), market_role=market_role("SUP"), code=code)
    mpid.full_clean()


@pytest.mark.parametrize("code", ["nwes", "NWE", "NWESX", "NW-S", "NW S", ""])
def test_an_mpid_in_any_other_form_is_refused_with_an_explanation(code):
    mpid = Mpid(organisation=OrganisationFactory(), market_role=market_role("SUP"), code=code)
    with pytest.raises(ValidationError) as caught:
        mpid.full_clean()
    assert "code" in caught.value.message_dict


def test_the_database_refuses_a_malformed_mpid_even_without_form_validation():
    organisation = OrganisationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Mpid.objects.create(organisation=organisation, market_role=market_role("SUP"), code="ab")
    assert not Mpid.objects.filter(code="ab").exists()


def test_an_mpid_is_unique_across_the_portal():
    MpidFactory(code="NWES")
    other = OrganisationFactory()
    duplicate = Mpid(organisation=other, market_role=market_role("ADS"), code="NWES")
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert caught.value.message_dict["code"] == ["This MPID is already registered in the portal."]
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_registering_an_organisation_with_a_bad_mpid_saves_nothing():
    with pytest.raises(ValidationError):
        organisation_create(
            legal_name="Half Made Ltd",
            company_number="12345678",
            mpids=[("GOOD", market_role("SUP")), ("bad!", market_role("ADS"))],
        )
    assert not Mpid.objects.filter(code="GOOD").exists()
    assert not Organisation.objects.filter(legal_name="Half Made Ltd").exists()


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("01234567", True),
        ("SC123456", True),
        ("1234567", False),
        ("ABC12345", False),
    ],
)
def test_company_numbers_follow_the_companies_house_forms(number, valid):
    organisation = OrganisationFactory.build(company_number=number)
    if valid:
        organisation.full_clean()
    else:
        with pytest.raises(ValidationError):
            organisation.full_clean()


def test_e_mail_is_the_login_and_is_unique_whatever_its_case():
    UserFactory(email="olivia@northwind.example")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email="Olivia@Northwind.example", full_name="Twin")


def test_the_users_manager_stores_e_mail_addresses_in_lower_case():
    user = User.objects.create_user(
        "Ben.Okafor@Northwind.EXAMPLE", password="x" * 12, full_name="Ben Okafor"
    )
    assert user.email == "ben.okafor@northwind.example"
    assert User.objects.get_by_natural_key("BEN.OKAFOR@northwind.example") == user


@pytest.mark.parametrize(
    ("code", "approvers", "delegate"),
    [
        ("SUP", {"BSC", "REC", "DIP"}, False),
        ("LDSO", {"BSC", "REC", "DIP"}, False),
        ("ADS", {"BSC", "DIP"}, False),
        ("SDS", {"BSC", "DIP"}, False),
        ("UMSDS", {"BSC", "DIP"}, False),
        ("MSA", {"REC", "DIP"}, True),
        ("MSS", {"REC", "DIP"}, True),
    ],
)
def test_each_role_needs_the_approvers_the_approval_process_names(code, approvers, delegate):
    role = market_role(code)
    assert {body.code for body in role.approvers.all()} == approvers
    assert role.delegate_may_sign is delegate
