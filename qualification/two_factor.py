"""Two-factor sign-in: an authenticator app (TOTP) with single-use recovery codes."""

from __future__ import annotations

import secrets
from base64 import b32encode
from io import BytesIO
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import devices_for_user, match_token, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from qualification.audit import audit_record
from qualification.redirects import local_target
from qualification.security import needs_second_factor

RECOVERY_CODES = 10


def _next(request: HttpRequest) -> str:
    return local_target(request, request.POST.get("next") or request.GET.get("next"), "/")


def _qr_svg(url: str) -> str:
    # Loaded when someone sets up a second factor: qrcode brings Pillow into the process.
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    svg = svg[svg.index("<svg") :]
    return svg.replace("<svg", '<svg role="img" aria-label="QR code for your authenticator app"', 1)


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator: scan the code, type the six digits it shows, keep the recovery
    codes."""
    user = request.user
    if user_has_device(user) and not user.is_verified():
        # Replacing an authenticator needs the current one: a stolen password is not enough.
        return redirect(f"{reverse('two-factor-verify')}?{urlencode({'next': _next(request)})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    error = ""
    if request.method == "POST":
        if device.verify_token(request.POST.get("code", "").replace(" ", "")):
            codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user, confirmed=True).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                StaticDevice.objects.filter(user=user).delete()
                static = StaticDevice.objects.create(user=user, name="Recovery codes")
                StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
                audit_record(
                    kind="two_factor.enabled",
                    actor=user,
                    summary="Two-factor sign-in set up",
                    target=user,
                )
            otp_login(request, device)
            return render(
                request, "two_factor/recovery_codes.html", {"codes": codes, "next": _next(request)}
            )
        error = _("That code is not right. Type the six digits your app shows now.")
    return render(
        request,
        "two_factor/setup.html",
        {
            "qr": mark_safe(_qr_svg(device.config_url)),
            "secret": _base32(device),
            "error": error,
            "next": _next(request),
            "required": needs_second_factor(user),
        },
        status=400 if error else 200,
    )


def _base32(device: TOTPDevice) -> str:
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _wrong_code_message(user) -> str:
    waits = [
        details["locked_until"]
        for device in devices_for_user(user)
        for allowed, details in [device.verify_is_allowed()]
        if not allowed and details and details.get("locked_until")
    ]
    message = _("That code is not right, or it has already been used.")
    if waits:
        # django-otp doubles the wait after each wrong code, which makes guessing useless.
        seconds = max(1, round((min(waits) - timezone.now()).total_seconds()))
        message += " " + ngettext(
            "Wait %(seconds)s second before the next try.",
            "Wait %(seconds)s seconds before the next try.",
            seconds,
        ) % {"seconds": seconds}
    return message


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or one of the recovery codes."""
    if not user_has_device(request.user):
        return redirect("two-factor-setup")
    error = ""
    if request.method == "POST":
        device = match_token(request.user, request.POST.get("code", "").replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request, _("You used a recovery code; %(n)s are left.") % {"n": left}
                )
            return redirect(_next(request))
        error = _wrong_code_message(request.user)
    return render(
        request,
        "two_factor/verify.html",
        {"error": error, "next": _next(request)},
        status=400 if error else 200,
    )
