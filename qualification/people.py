"""Organisations and people, managed by portal admins: invitations, roles, deactivation."""

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
from qualification.rules import is_portal_admin
from qualification.services import organisation_create

INVITATION_DAYS = 7


def _require_admin(by: User) -> None:
    if not is_portal_admin(by):
        raise PermissionDenied(_("Only portal admins manage people."))


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
) -> tuple[Invitation, str]:
    """Invite a person by e-mail; returns the invitation and its one-time token."""
    _require_admin(by)
    email = email.strip().lower()
    if not email or "@" not in email:
        raise ValidationError(_("Enter the person's e-mail address."))
    if not full_name.strip():
        raise ValidationError(_("Enter the person's name."))
    if bool(organisation) != bool(membership_role) or bool(code_body) != bool(code_body_role):
        raise ValidationError(_("Choose a role together with its organisation or Code Body."))
    if not (organisation or code_body or portal_admin):
        raise ValidationError(_("Give the person at least one portal role."))
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
    _require_admin(by)
    if role not in MembershipRole.values:
        raise ValidationError(_("Choose a role."))
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
    _require_admin(by)
    with transaction.atomic():
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
