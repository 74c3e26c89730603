"""People: everyone, for portal admins; an organisation's own people, for its admins; and
accepting an invitation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.views.access import portal_admin_required
from qualification.backends import SIGN_IN_BACKEND
from qualification.enums import CodeBodyRole, MembershipRole
from qualification.identifiers import as_pk, as_uuid
from qualification.models import (
    CodeBody,
    Invitation,
    MarketRole,
    Membership,
    Organisation,
    User,
)
from qualification.people import (
    code_body_role_set,
    invitation_accept,
    invitation_create,
    invitation_for,
    membership_add,
    membership_remove,
    organisation_register,
    user_set_active,
)
from qualification.rules import can_administer_organisation, can_view_organisation


def _errors(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return " ".join(m for messages_ in error.message_dict.values() for m in messages_)
    return " ".join(error.messages)


@portal_admin_required
def people(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    users = User.objects.order_by("full_name").prefetch_related(
        "memberships__organisation", "code_body_memberships__code_body"
    )
    if search:
        users = users.filter(
            Q(email__icontains=search)
            | Q(full_name__icontains=search)
            | Q(memberships__organisation__legal_name__icontains=search)
        ).distinct()
    if request.method == "POST":
        data = request.POST
        organisation = Organisation.objects.filter(
            public_id=data.get("organisation") or None
        ).first()
        code_body = CodeBody.objects.filter(code=data.get("code_body", "")).first()
        try:
            invitation_create(
                email=data.get("email", ""),
                full_name=data.get("full_name", ""),
                organisation=organisation,
                membership_role=data.get("membership_role", "") if organisation else "",
                code_body=code_body,
                code_body_role=data.get("code_body_role", "") if code_body else "",
                portal_admin=data.get("portal_admin") == "on",
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s; the link works once, for 7 days.")
                % {"email": data.get("email")},
            )
            return redirect("people")
    return render(
        request,
        "qualification/people.html",
        {
            "users": users[:200],
            "search": search,
            "organisations": Organisation.objects.order_by("legal_name"),
            "code_bodies": CodeBody.objects.order_by("position"),
            "membership_roles": MembershipRole.choices,
            "code_body_roles": CodeBodyRole.choices,
        },
    )


@portal_admin_required
def person(request: HttpRequest, public_id) -> HttpResponse:
    user = get_object_or_404(User, public_id=public_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add_membership":
                organisation = get_object_or_404(
                    Organisation, public_id=request.POST.get("organisation")
                )
                membership_add(
                    user=user,
                    organisation=organisation,
                    role=request.POST.get("role", ""),
                    by=request.user,
                )
            elif action == "remove_membership":
                membership = get_object_or_404(
                    Membership, pk=request.POST.get("membership"), user=user
                )
                membership_remove(membership=membership, by=request.user)
            elif action == "code_body_role":
                code_body = get_object_or_404(CodeBody, code=request.POST.get("code_body"))
                code_body_role_set(
                    user=user,
                    code_body=code_body,
                    role=request.POST.get("role", ""),
                    by=request.user,
                )
            elif action in ("deactivate", "reactivate"):
                user_set_active(user=user, active=action == "reactivate", by=request.user)
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, _("Saved."))
        return redirect("person", public_id=user.public_id)
    return render(
        request,
        "qualification/person.html",
        {
            "person": user,
            "memberships": user.memberships.select_related("organisation"),
            "body_roles": {
                m.code_body.code: m.role
                for m in user.code_body_memberships.select_related("code_body")
            },
            "organisations": Organisation.objects.order_by("legal_name"),
            "code_bodies": CodeBody.objects.order_by("position"),
            "membership_roles": MembershipRole.choices,
            "code_body_roles": CodeBodyRole.choices,
        },
    )


@portal_admin_required
def organisations(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        roles = {r.code: r for r in MarketRole.objects.all()}
        mpids = []
        for line in request.POST.get("mpids", "").splitlines():
            parts = line.replace(",", " ").split()
            if len(parts) == 2 and parts[1].upper() in roles:
                mpids.append((parts[0].upper(), roles[parts[1].upper()]))
            elif parts:
                messages.error(request, _("Write each MPID as “CODE ROLE”, e.g. “NWES SUP”."))
                return redirect("organisations")
        try:
            organisation_register(
                legal_name=request.POST.get("legal_name", ""),
                company_number=request.POST.get("company_number", ""),
                mpids=mpids,
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, _("Organisation registered."))
        return redirect("organisations")
    return render(
        request,
        "qualification/organisations.html",
        {
            "organisations": Organisation.objects.order_by("legal_name").prefetch_related(
                "mpids__market_role", "memberships"
            ),
        },
    )


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_for(token)
    if invitation is None:
        return render(request, "qualification/invitation.html", {"invalid": True}, status=404)
    problems: list[str] = []
    if request.method == "POST":
        password = request.POST.get("password", "")
        if password != request.POST.get("password_again", ""):
            problems = [_("The two passwords are not the same.")]
        else:
            try:
                user = invitation_accept(token=token, password=password)
            except ValidationError as error:
                problems = list(error.messages)
            else:
                login(request, user, backend=SIGN_IN_BACKEND)
                messages.success(request, _("Welcome to the QAD Portal."))
                return redirect("home")
    return render(
        request,
        "qualification/invitation.html",
        {
            "invitation": invitation,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


@login_required
def organisation_people(request: HttpRequest, public_id) -> HttpResponse:
    """An organisation's admins (and portal admins) invite colleagues, change their roles in
    the organisation and remove their access."""
    organisation = get_object_or_404(Organisation, public_id=public_id)
    if not can_view_organisation(request.user, organisation):
        raise Http404
    if not can_administer_organisation(request.user, organisation):
        raise PermissionDenied(_("Only the organisation's admins manage its people."))
    typed: dict[str, str] = {}
    if request.method == "POST":
        outcome = _people_change(request, organisation)
        if outcome is None:
            return redirect("organisation-people", public_id=organisation.public_id)
        typed = outcome
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__full_name", "user__email", "role")
    )
    people_rows: dict[int, dict] = {}
    for membership in memberships:
        row = people_rows.setdefault(
            membership.user_id, {"person": membership.user, "memberships": []}
        )
        row["memberships"].append(membership)
    for row in people_rows.values():
        held = {m.role for m in row["memberships"]}
        row["roles_to_add"] = [(v, label) for v, label in MembershipRole.choices if v not in held]
    return render(
        request,
        "qualification/organisation_people.html",
        {
            "organisation": organisation,
            "people": list(people_rows.values()),
            "invitations": Invitation.objects.filter(
                organisation=organisation, used_at__isnull=True, expires_at__gt=timezone.now()
            ).order_by("-created_at"),
            "membership_roles": MembershipRole.choices,
            "typed": typed,
        },
        status=400 if typed else 200,
    )


def _people_change(request: HttpRequest, organisation: Organisation) -> dict[str, str] | None:
    """Make the change posted; None when done (a message says what), else what was typed,
    to show again with the error."""
    data = request.POST
    action = data.get("action", "")
    try:
        if action == "invite":
            invitation, _token = invitation_create(
                email=data.get("email", ""),
                full_name=data.get("full_name", ""),
                organisation=organisation,
                membership_role=data.get("membership_role", ""),
                by=request.user,
            )
            if invitation is None:
                message = _(
                    "%(email)s already has an account: they are now %(role)s of %(org)s."
                ) % {
                    "email": data.get("email", "").strip().lower(),
                    "role": MembershipRole(data["membership_role"]).label,
                    "org": organisation.legal_name,
                }
            else:
                message = _("Invitation sent to %(email)s; the link works once, for 7 days.") % {
                    "email": invitation.email
                }
        else:
            person = get_object_or_404(
                User.objects.filter(memberships__organisation=organisation).distinct(),
                public_id=as_uuid(data.get("person")),
            )
            held = Membership.objects.filter(user=person, organisation=organisation)
            if action == "add_role":
                membership_add(
                    user=person,
                    organisation=organisation,
                    role=data.get("role", ""),
                    by=request.user,
                )
            elif action == "remove_role":
                membership_remove(
                    membership=get_object_or_404(held, pk=as_pk(data.get("membership"))),
                    by=request.user,
                )
            elif action == "remove_person":
                with transaction.atomic():
                    for membership in held.order_by("-role"):
                        membership_remove(membership=membership, by=request.user)
            else:
                raise ValidationError(_("Choose what to change."))
            message = _("Saved: %(name)s.") % {"name": person.full_name or person.email}
    except (ValidationError, PermissionDenied) as error:
        messages.error(
            request, _errors(error) if isinstance(error, ValidationError) else str(error)
        )
        return {key: data.get(key, "") for key in ("full_name", "email", "membership_role")}
    messages.success(request, message)
    return None
