"""Sign-in safeguards applied to every request: the session's absolute lifetime, the second
factor for the roles that need it, and a clear answer when the database is unreachable."""

from __future__ import annotations

import json
import logging
import sys
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_logged_in
from django.core.signals import got_request_exception
from django.db.models import Exists, F, OuterRef
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import device_classes, user_has_device

from qualification.contention import SOMEONE_ELSE_SAVING
from qualification.enums import MembershipRole
from qualification.models import CodeBodyMembership, Membership
from qualification.outages import CONTENTION, UNREACHABLE, expected_outage

outage_logger = logging.getLogger("qad.outage")

SIGNED_IN_AT = "signed_in_at"
REFRESHED_AT = "refreshed_at"


@receiver(user_logged_in)
def _remember_sign_in(sender, request, user, **kwargs) -> None:
    request.session[SIGNED_IN_AT] = int(time.time())


class SessionLifetimeMiddleware:
    """Ends a session a fixed time after signing in, however active it has been, and keeps an
    active one from ending idle."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            started = request.session.get(SIGNED_IN_AT)
            if started is None:
                request.session[SIGNED_IN_AT] = now
            elif now - started > settings.SESSION_ABSOLUTE_SECONDS:
                # The views see a signed-out person; a save in flight keeps its text
                # (qad/views/unsaved.py) and they are asked to sign in again.
                logout(request)
                return self.get_response(request)
            if now - request.session.get(REFRESHED_AT, 0) >= settings.SESSION_REFRESH_SECONDS:
                # A changed session is saved with a new expiry: the idle clock starts again.
                request.session[REFRESHED_AT] = now
        return self.get_response(request)


def needs_second_factor(user) -> bool:
    """Assessors, signatories and portal admins must use a second factor; anyone who has set
    one up uses it. Asked in one query (see `second_factor_required` for how often)."""
    if user.is_staff:
        return True
    mine = OuterRef("pk")
    reasons = {
        "assesses": Exists(CodeBodyMembership.objects.filter(user=mine)),
        "signs": Exists(Membership.objects.filter(user=mine, role=MembershipRole.SIGNATORY)),
        **{
            f"device_{n}": Exists(model.objects.filter(user=mine, confirmed=True))
            for n, model in enumerate(device_classes())
        },
    }
    found = get_user_model().objects.filter(pk=user.pk).annotate(**reasons).values(*reasons).first()
    return bool(found) and any(found.values())


SECOND_FACTOR_RULE = "second_factor_rule"


def second_factor_required(request: HttpRequest) -> bool:
    """`needs_second_factor` for the signed-in person, remembered in their session for as long
    as the session's refresh interval and only while their access version is the one it was
    worked out for: a new role or authenticator moves that version on, so a person promoted to
    a role that needs a second factor is asked for it on their next request. The staff flag
    is read from the user row that every request reads anyway."""
    user = request.user
    if user.is_staff:
        return True
    now = int(time.time())
    remembered = request.session.get(SECOND_FACTOR_RULE)
    if (
        isinstance(remembered, list)
        and len(remembered) == 3
        and remembered[0] == user.access_version
        and 0 <= now - remembered[2] < settings.SESSION_REFRESH_SECONDS
    ):
        return bool(remembered[1])
    needed = needs_second_factor(user)
    request.session[SECOND_FACTOR_RULE] = [user.access_version, needed, now]
    return needed


def access_changed(*, user_id: int | None) -> None:
    """Moves the person's access version on: what their sessions remember about their access
    is worked out again on their next request."""
    if user_id is not None:
        get_user_model().objects.filter(pk=user_id).update(access_version=F("access_version") + 1)


def _access_changed_by(sender, instance, **kwargs) -> None:
    access_changed(user_id=instance.user_id)


def connect_access_signals() -> None:
    """Every save or deletion of a role or an authenticator moves its owner's access version
    on, whoever makes it (a service, the admin, django-otp itself)."""
    for model in (Membership, CodeBodyMembership, *device_classes()):
        uid = f"access-version-{model._meta.label_lower}"
        post_save.connect(_access_changed_by, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_access_changed_by, sender=model, dispatch_uid=f"{uid}-delete")


EXEMPT_PREFIXES = ("/account/two-factor/", "/logout/", "/static/", "/csp-report/")


class SecondFactorMiddleware:
    """Until the second factor is verified, a person who needs it can only set it up or use it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            getattr(settings, "REQUIRE_SECOND_FACTOR", True)
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
            and second_factor_required(request)
        ):
            target = "two-factor-verify" if user_has_device(user) else "two-factor-setup"
            url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
        return self.get_response(request)


@receiver(got_request_exception)
def _note_database_unavailable(sender, request=None, **kwargs) -> None:
    # Sent while the exception is being handled, wherever it was raised: in a view, or in a
    # middleware such as the session's (which saves to the database on the way out).
    if request is not None:
        kind = expected_outage(sys.exc_info()[1])
        if kind is not None:
            request.database_unavailable = kind


RETRY_SECONDS = 5
API_PREFIX = "/api/v1/"


class DatabaseUnavailableMiddleware:
    """A request that loses its database connection (a restart, a failover) or that meets
    another writer twice gets a clear answer instead of a server error. Nothing is half saved:
    each save is one transaction. Placed outside the session and authentication middleware,
    whose own database reads and writes can be what fails; its page uses nothing that needs
    the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The error was turned into a server error where it was raised (so that no session
        # or message is saved on the way out); Django's log of it is dropped by
        # qualification.outages.ExpectedOutageFilter and this one logs it at WARNING.
        response = self.get_response(request)
        kind = getattr(request, "database_unavailable", None)
        if not kind:
            return response
        return self._answer(request, kind)

    def _answer(self, request: HttpRequest, kind: str) -> HttpResponse:
        outage_logger.warning(
            "%s %s answered as %s",
            request.method,
            request.path,
            "a save that met another" if kind == CONTENTION else "database unreachable",
        )
        if kind == CONTENTION:
            message = _(
                "Not saved yet: someone else is saving this just now. What you typed is "
                "still in the box and is sent again in a moment."
            )
            page_message = str(SOMEONE_ELSE_SAVING)
            status = 409
        else:
            message = _(
                "Not saved yet: the portal cannot reach its database just now. What you "
                "typed is still in the box and is sent again in a few seconds."
            )
            page_message = _("The portal cannot reach its database just now, so nothing was saved.")
            status = 503
        if request.headers.get("HX-Request"):
            # An autosave: the text stays in its box; qad.js sends it again after a pause.
            response = HttpResponse(
                f'<div class="text-danger" role="alert">{message}</div>', status=200
            )
            response["X-Save-Retry"] = str(RETRY_SECONDS if kind == UNREACHABLE else 1)
            return response
        retry_after = str(RETRY_SECONDS * 6 if kind == UNREACHABLE else 2)
        if request.path.startswith(API_PREFIX):
            # A system using the API reads the same answer as RFC 9457 problem details.
            response = HttpResponse(
                json.dumps(
                    {
                        "type": f"{API_PREFIX}problems/"
                        + ("conflict" if kind == CONTENTION else "unavailable"),
                        "title": "Try again shortly",
                        "status": status,
                        "detail": f"{page_message} Nothing was saved: send it again.",
                    }
                ),
                status=status,
                content_type="application/problem+json",
            )
            response["Retry-After"] = retry_after
            return response
        page = render_to_string("503.html", {"message": page_message})
        response = HttpResponse(page, status=status)
        response["Retry-After"] = retry_after
        return response
