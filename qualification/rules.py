"""Permission predicates: default deny, scoped to the object asked about."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from qualification.enums import CodeBodyRole, MembershipRole
from qualification.lifecycle import Actor
from qualification.models import Organisation, Qualification, User

AnyUser = User | AnonymousUser


def is_portal_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def organisation_roles(user: AnyUser, organisation: Organisation | int) -> set[str]:
    """The user's roles in the organisation (given, or its id)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    # Unordered: a set needs no ORDER BY, nor the joins the default ordering brings.
    return set(
        user.memberships.filter(organisation_id=organisation_id)
        .order_by()
        .values_list("role", flat=True)
    )


def code_body_roles(user: AnyUser) -> dict[str, str]:
    """{Code Body code: role} for the Code Bodies the user works for."""
    if not user.is_authenticated or not user.is_active:
        return {}
    return dict(user.code_body_memberships.order_by().values_list("code_body__code", "role"))


def approving_code_bodies(qualification: Qualification) -> set[str]:
    return set(
        # No ordering: the roles' default one would join the qualification and organisation.
        qualification.roles.order_by()
        .values_list("market_role__approvers__code", flat=True)
        .distinct()
    )


def can_view_organisation(user: AnyUser, organisation: Organisation) -> bool:
    return is_portal_admin(user) or bool(organisation_roles(user, organisation))


def can_view_qualification(user: AnyUser, qualification: Qualification) -> bool:
    if is_portal_admin(user) or organisation_roles(user, qualification.organisation):
        return True
    return bool(set(code_body_roles(user)) & approving_code_bodies(qualification))


def actor_capacities(user: AnyUser, qualification: Qualification) -> set[Actor]:
    """The capacities in which this user may act on this qualification."""
    capacities: set[Actor] = set()
    if is_portal_admin(user):
        capacities.add(Actor.PORTAL_ADMIN)
    roles = organisation_roles(user, qualification.organisation)
    if MembershipRole.ORG_ADMIN in roles:
        capacities.add(Actor.ORG_ADMIN)
    if MembershipRole.SIGNATORY in roles:
        capacities.add(Actor.SIGNATORY)
    bodies = code_body_roles(user)
    approving = approving_code_bodies(qualification)
    if any(
        role == CodeBodyRole.LEAD_ASSESSOR and body in approving for body, role in bodies.items()
    ):
        capacities.add(Actor.LEAD_ASSESSOR)
    return capacities


def acting_capacities(user: User | None, qualification: Qualification) -> set[Actor]:
    """As actor_capacities; `None` is the portal itself acting on another recorded action."""
    return {Actor.PORTAL} if user is None else actor_capacities(user, qualification)


def can_administer_organisation(user: AnyUser, organisation) -> bool:
    return is_portal_admin(user) or MembershipRole.ORG_ADMIN in organisation_roles(
        user, organisation
    )
