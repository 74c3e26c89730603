"""Organisations and people: invitations, roles, deactivation. Portal admins manage everyone;
an organisation's admins manage the people of their organisation and its roles only."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualification.audit import audit_record
from qualification.enums import MembershipRole, SignatoryCapacity
from qualification.models import (
    CodeBody,
    CodeBodyMembership,
    Invitation,
    Membership,
    Organisation,
    User,
)
from qualification.outbox import enqueue_on_commit
from qualification.rules import can_administer_organisation, is_portal_admin
from qualification.services import organisation_create

INVITATION_DAYS = 7


def _require_admin(by: User) -> None:
    if not is_portal_admin(by):
        raise PermissionDenied(_("Only portal admins manage people."))


def _require_manager(by: User, organisation: Organisation | None) -> None:
    if is_portal_admin(by):
        return
    if organisation is None or not can_administer_organisation(by, organisation):
        raise PermissionDenied(
            _("Only the organisation's admins and portal admins manage its people.")
        )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(
    *,
    email: str,
    full_name: str,
    by: User,
    organisation: Organisation | None = None,
    membership_role: str = "",
    code_body: CodeBody | None = None,
    code_body_role: str = "",
    portal_admin: bool = False,
) -> tuple[Invitation | None, str]:
    """Invite a person by e-mail; returns the invitation and its one-time token. A person who
    already has an account is given the role at once instead (returns None and no token):
    nobody gets a second account."""
    _require_manager(by, organisation)
    if not is_portal_admin(by) and (code_body or code_body_role or portal_admin):
        raise PermissionDenied(_("Only portal admins give Code Body roles or portal admin."))
    email = email.strip().lower()
    if not email or "@" not in email:
        raise ValidationError(_("Enter the person's e-mail address."))
    if not full_name.strip():
        raise ValidationError(_("Enter the person's name."))
    if bool(organisation) != bool(membership_role) or bool(code_body) != bool(code_body_role):
        raise ValidationError(_("Choose a role together with its organisation or Code Body."))
    if membership_role and membership_role not in MembershipRole.values:
        raise ValidationError(_("Choose one of the roles listed."))
    if organisation and code_body:
        # An assessor does not assess an organisation they work for.
        raise ValidationError(
            _(
                "A person is invited either to an organisation or to a Code Body, not both: "
                "someone who assesses QADs cannot also write one."
            )
        )
    if not (organisation or code_body or portal_admin):
        raise ValidationError(_("Give the person at least one portal role."))
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        _give_roles(
            existing,
            by=by,
            organisation=organisation,
            membership_role=membership_role,
            code_body=code_body,
            code_body_role=code_body_role,
            portal_admin=portal_admin,
        )
        return None, ""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            full_name=full_name.strip(),
            organisation=organisation,
            membership_role=membership_role,
            signatory_capacity=SignatoryCapacity.DIRECTOR
            if membership_role == MembershipRole.SIGNATORY
            else "",
            code_body=code_body,
            code_body_role=code_body_role,
            portal_admin=portal_admin,
            token_hash=_hash(token),
            expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
            invited_by=by,
        )
        audit_record(
            kind="person.invited",
            actor=by,
            summary=f"{email} invited",
            organisation=organisation,
            target=invitation,
        )
        enqueue_on_commit("qad.people.send_invitation", invitation_id=invitation.pk, token=token)
    return invitation, token


def _give_roles(
    user: User,
    *,
    by: User,
    organisation: Organisation | None,
    membership_role: str,
    code_body: CodeBody | None,
    code_body_role: str,
    portal_admin: bool,
) -> None:
    """The roles of an invitation, given to a person who already has an account."""
    if organisation:
        membership_add(user=user, organisation=organisation, role=membership_role, by=by)
    if code_body:
        code_body_role_set(user=user, code_body=code_body, role=code_body_role, by=by)
    if portal_admin and not user.is_staff:
        with transaction.atomic():
            user.is_staff = True
            user.save(update_fields=["is_staff"])
            audit_record(
                kind="person.portal_admin",
                actor=by,
                summary=f"{user.email} is now a portal admin",
                target=user,
                before=False,
                after=True,
            )


def invitation_for(token: str) -> Invitation | None:
    invitation = Invitation.objects.filter(token_hash=_hash(token)).first()
    if invitation is None or invitation.used_at or invitation.expires_at < timezone.now():
        return None
    return invitation


def invitation_accept(*, token: str, password: str) -> User:
    invitation = invitation_for(token)
    if invitation is None:
        raise ValidationError(
            _("This invitation link has been used or has expired. Ask for a new one.")
        )
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.used_at:
            raise ValidationError(_("This invitation link has already been used."))
        user = User.objects.filter(email__iexact=locked.email).first()
        if user is None:
            user = User(email=locked.email, full_name=locked.full_name)
            validate_password(password, user)
            user.set_password(password)
            user.save()
        if locked.portal_admin:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        if locked.organisation_id:
            Membership.objects.get_or_create(
                user=user,
                organisation=locked.organisation,
                role=locked.membership_role,
                defaults={"signatory_capacity": locked.signatory_capacity},
            )
        if locked.code_body_id:
            CodeBodyMembership.objects.update_or_create(
                user=user, code_body=locked.code_body, defaults={"role": locked.code_body_role}
            )
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
        audit_record(
            kind="person.joined",
            actor=user,
            summary=f"{user.email} accepted the invitation",
            organisation=locked.organisation,
            target=user,
        )
    return user


def membership_add(
    *, user: User, organisation: Organisation, role: str, by: User, capacity: str = ""
) -> Membership:
    _require_manager(by, organisation)
    if role not in MembershipRole.values:
        raise ValidationError(_("Choose a role."))
    if not is_portal_admin(by) and user.code_body_memberships.exists():
        raise ValidationError(
            _("%(name)s assesses QADs for a Code Body and cannot also write one.")
            % {"name": user.full_name or user.email}
        )
    if role == MembershipRole.SIGNATORY and capacity not in SignatoryCapacity.values:
        capacity = SignatoryCapacity.DIRECTOR
    with transaction.atomic():
        membership, _created = Membership.objects.get_or_create(
            user=user,
            organisation=organisation,
            role=role,
            defaults={"signatory_capacity": capacity if role == MembershipRole.SIGNATORY else ""},
        )
        audit_record(
            kind="membership.added",
            actor=by,
            summary=f"{user.email} is now {membership.get_role_display()} of "
            f"{organisation.legal_name}",
            organisation=organisation,
            target=membership,
        )
    return membership


def membership_remove(*, membership: Membership, by: User) -> None:
    organisation = membership.organisation
    _require_manager(by, organisation)
    with transaction.atomic():
        if membership.role == MembershipRole.ORG_ADMIN and not (
            Membership.objects.select_for_update()
            .filter(organisation=organisation, role=MembershipRole.ORG_ADMIN, user__is_active=True)
            .exclude(pk=membership.pk)
            .exists()
        ):
            raise ValidationError(
                _(
                    "%(org)s keeps at least one organisation admin: make someone else an "
                    "admin first."
                )
                % {"org": organisation.legal_name}
            )
        audit_record(
            kind="membership.removed",
            actor=by,
            summary=f"{membership.user.email} is no longer "
            f"{membership.get_role_display()} of {membership.organisation.legal_name}",
            organisation=membership.organisation,
            target=membership.user,
        )
        membership.delete()


def code_body_role_set(*, user: User, code_body: CodeBody, role: str, by: User) -> None:
    _require_admin(by)
    with transaction.atomic():
        if role:
            CodeBodyMembership.objects.update_or_create(
                user=user, code_body=code_body, defaults={"role": role}
            )
        else:
            CodeBodyMembership.objects.filter(user=user, code_body=code_body).delete()
        audit_record(
            kind="code_body_membership.changed",
            actor=by,
            summary=f"{user.email}: {code_body.code} role {role or 'removed'}",
            target=user,
            after=role or None,
        )


def user_set_active(*, user: User, active: bool, by: User) -> User:
    _require_admin(by)
    if user == by and not active:
        raise ValidationError(_("You cannot deactivate yourself."))
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            kind="person.activated" if active else "person.deactivated",
            actor=by,
            summary=f"{user.email} {'reactivated' if active else 'deactivated'}",
            target=user,
            before=not active,
            after=active,
        )
    return user


def organisation_register(*, legal_name: str, company_number: str, mpids, by: User):
    _require_admin(by)
    with transaction.atomic():
        organisation = organisation_create(
            legal_name=legal_name.strip(),
            company_number=company_number.strip().upper(),
            mpids=mpids,
        )
        audit_record(
            kind="organisation.registered",
            actor=by,
            summary=f"{organisation.legal_name} registered",
            organisation=organisation,
            target=organisation,
        )
    return organisation
