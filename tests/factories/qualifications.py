"""Qualifications are built through the service, as the portal builds them."""

from __future__ import annotations

import factory

from qualification.enums import Route
from qualification.models import Organisation, Qualification, User
from qualification.services import qualification_start
from tests.factories.participants import MpidFactory, OrganisationFactory, market_role


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
