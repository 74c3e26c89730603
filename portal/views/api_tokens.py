"""Your API tokens: make one (shown once), see when each was last used, revoke one."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualification.api_tokens import DEFAULT_LIFE, token_create, token_revoke
from qualification.date_input import date_typed
from qualification.models import ApiToken


def _page(request: HttpRequest, *, made=None, errors=None, typed=None, status=200):
    today = timezone.localdate()
    return render(
        request,
        "qualification/api_tokens.html",
        {
            "tokens": ApiToken.objects.filter(user=request.user),
            "now": timezone.now(),
            "made": made,
            "errors": errors or [],
            "typed": typed
            or {
                "name": "",
                "expires_on": (today + DEFAULT_LIFE).strftime("%d/%m/%Y"),
                "scope": ApiToken.Scope.READ,
            },
            "scopes": ApiToken.Scope.choices,
            "latest": (today + dt.timedelta(days=365)).strftime("%d/%m/%Y"),
        },
        status=status,
    )


JUST_MADE = "api_token_just_made"


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, made=request.session.pop(JUST_MADE, None))
    typed = {key: request.POST.get(key, "") for key in ("name", "expires_on", "scope")}
    try:
        expires_on = date_typed(typed["expires_on"])
    except ValueError:
        return _page(
            request,
            errors=[_("Enter the expiry date as day, month, year: for example 31/12/2027.")],
            typed=typed,
            status=400,
        )
    try:
        made = token_create(
            user=request.user,
            name=typed["name"],
            expires_on=expires_on,
            scope=typed["scope"],
            verified=request.user.is_verified(),
        )
    except (ValidationError, PermissionDenied) as error:
        text = error.messages if isinstance(error, ValidationError) else [str(error)]
        return _page(request, errors=text, typed=typed, status=400)
    # Shown once, on the page the browser is sent to (a reload of it makes no second token):
    # the secret waits in the person's own session for that one page and is dropped from it
    # as it is shown. Only its digest is kept.
    request.session[JUST_MADE] = {"name": made.token.name, "secret": made.secret}
    return redirect("api-tokens")


@require_POST
@login_required
def api_token_revoke(request: HttpRequest, public_id) -> HttpResponse:
    # Another person's token does not exist for you.
    token = get_object_or_404(ApiToken, public_id=public_id, user=request.user)
    token_revoke(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    return redirect("api-tokens")
