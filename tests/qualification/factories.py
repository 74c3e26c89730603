"""factory_boy factories for the qualification app's models: people, organisations, their
roles, and qualifications (built through the service, as the portal builds them)."""

from __future__ import annotations

import factory

from qualification.enums import CodeBodyRole, MembershipRole, Route, SignatoryCapacity
from qualification.models import (
    CodeBody,
    CodeBodyMembership,
    MarketRole,
    Membership,
    Mpid,
    Organisation,
    Qualification,
    User,
)
from qualification.reference_data import ensure_reference_data
from qualification.services import qualification_start

PASSWORD = "a-long-test-password-42"


def market_role(code: str) -> MarketRole:
    role = MarketRole.objects.filter(code=code).first()
    if role is None:
        ensure_reference_data(CodeBody, MarketRole)
        role = MarketRole.objects.get(code=code)
    return role


def code_body(code: str) -> CodeBody:
    body = CodeBody.objects.filter(code=code).first()
    if body is None:
        ensure_reference_data(CodeBody, MarketRole)
        body = CodeBody.objects.get(code=code)
    return body


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        first_name = factory.Faker("first_name", locale="en_GB")
        last_name = factory.Faker("last_name", locale="en_GB")

    email = factory.Sequence(lambda n: f"person{n}@participant.example")
    full_name = factory.LazyAttribute(lambda o: f"{o.first_name} {o.last_name}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    legal_name = factory.Sequence(lambda n: f"Participant {n} Energy Ltd")
    company_number = factory.Sequence(lambda n: f"{70000000 + n:08d}")


def _mpid_code(n: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return "Q" + "".join(alphabet[(n // 26**i) % 26] for i in range(3))


class MpidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mpid

    organisation = factory.SubFactory(OrganisationFactory)
    market_role = factory.LazyFunction(lambda: market_role("SUP"))
    code = factory.Sequence(_mpid_code)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.CONTRIBUTOR
    signatory_capacity = factory.LazyAttribute(
        lambda m: SignatoryCapacity.DIRECTOR if m.role == MembershipRole.SIGNATORY else ""
    )


class CodeBodyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CodeBodyMembership

    user = factory.SubFactory(
        UserFactory, email=factory.Sequence(lambda n: f"assessor{n}@body.example")
    )
    code_body = factory.LazyFunction(lambda: code_body("BSC"))
    role = CodeBodyRole.ASSESSOR


def member_of(organisation_or_qualification, role: str = MembershipRole.CONTRIBUTOR, **user_fields):
    """A user who belongs to the organisation (of the qualification) in the given role."""
    organisation = getattr(organisation_or_qualification, "organisation", None) or (
        organisation_or_qualification
    )
    user = UserFactory(**user_fields)
    MembershipFactory(organisation=organisation, user=user, role=role)
    return user


def start_qualification(
    *,
    organisation: Organisation | None = None,
    role_codes: tuple[str, ...] = ("SUP",),
    route: str = Route.SIT,
    created_by: User | None = None,
    **options,
) -> Qualification:
    organisation = organisation or OrganisationFactory()
    roles = []
    for code in role_codes:
        role = market_role(code)
        mpid = organisation.mpids.filter(market_role=role).first() or MpidFactory(
            organisation=organisation, market_role=role
        )
        roles.append((role, mpid))
    return qualification_start(
        organisation=organisation, route=route, roles=roles, created_by=created_by, **options
    )


class QualificationFactory(factory.Factory):
    """A qualification started through the lifecycle service (roles, approvals, Initial QAD)."""

    class Meta:
        model = Qualification

    organisation = factory.SubFactory(OrganisationFactory)
    role_codes = ("SUP",)
    route = Route.SIT

    @classmethod
    def _create(cls, model_class, **kwargs):
        return start_qualification(**kwargs)

    _build = _create
