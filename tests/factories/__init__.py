"""factory_boy factories for the portal's models."""

from tests.factories.participants import (
    CodeBodyMemberFactory,
    MembershipFactory,
    MpidFactory,
    OrganisationFactory,
    UserFactory,
    code_body,
    market_role,
    member_of,
)
from tests.factories.qualifications import QualificationFactory, start_qualification

__all__ = [
    "CodeBodyMemberFactory",
    "MembershipFactory",
    "MpidFactory",
    "OrganisationFactory",
    "QualificationFactory",
    "UserFactory",
    "code_body",
    "market_role",
    "member_of",
    "start_qualification",
]
