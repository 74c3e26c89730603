"""Personal API tokens: made by the person they act for, shown once, kept as a digest, ended
by their expiry, by revocation or by their owner's deactivation."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qualification.audit import audit_record
from qualification.models import ApiToken, User
from qualification.security import needs_second_factor
from qualification.text_limits import text_within

# "qad_" then the prefix that finds the token, then the rest of the secret.
TOKEN_START = "qad_"
PREFIX_LENGTH = 10
LONGEST = dt.timedelta(days=366)  # a year, a leap day included
DEFAULT_LIFE = dt.timedelta(days=90)
# How often the time a token was last used is written: not on every request.
USE_RECORDED_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class MadeToken:
    token: ApiToken
    secret: str  # shown to its owner once, never stored


def _digest(secret: str) -> str:
    # The secret is 256 random bits: a plain hash is enough (nothing to guess), and it keeps
    # every API request's check cheap.
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, user: User, name: str, expires_on: dt.date, scope: str, verified: bool):
    """A new token for `user`, acting as them with `scope` until the end of `expires_on`.
    People who must use a second factor make one only from a verified session (`verified`)."""
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the token a name, such as the system that will use it."))
    text_within(name, limit=80, what=_("The name of a token"))
    if scope not in ApiToken.Scope.values:
        raise ValidationError(_("Choose what the token may do."))
    today = timezone.localdate()
    if expires_on <= today:
        raise ValidationError(_("The expiry date must be after today."))
    if expires_on > today + LONGEST - dt.timedelta(days=1):
        raise ValidationError(_("A token lasts at most a year: choose an earlier expiry date."))
    if needs_second_factor(user) and not verified:
        raise PermissionDenied(_("Sign in with your second factor before making an API token."))
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    secret = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
    expires_at = timezone.make_aware(
        dt.datetime.combine(expires_on + dt.timedelta(days=1), dt.time.min)
    )
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            scope=scope,
            prefix=prefix,
            digest=_digest(secret),
            expires_at=expires_at,
        )
        audit_record(
            kind="api_token.created",
            actor=user,
            summary=_("API token “%(name)s” made (%(scope)s, until %(until)s)")
            % {
                "name": name,
                "scope": token.get_scope_display().lower(),
                "until": expires_on.strftime("%d/%m/%Y"),
            },
            target=token,
        )
    return MadeToken(token, secret)


def token_revoke(*, token: ApiToken, by: User) -> None:
    """End `token` at once. Its owner or a portal admin may."""
    if token.user_id != by.pk and not by.is_staff:
        raise PermissionDenied
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            kind="api_token.revoked",
            actor=by,
            summary=_("API token “%(name)s” revoked") % {"name": token.name},
            target=token,
        )


def token_for(secret: str) -> ApiToken | None:
    """The usable token whose secret is `secret`, with its owner; None for anything else
    (unknown, expired, revoked, or its owner deactivated)."""
    if not secret.startswith(TOKEN_START):
        return None
    prefix = secret[len(TOKEN_START) : len(TOKEN_START) + PREFIX_LENGTH]
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.digest, _digest(secret)):
        return None
    now = timezone.now()
    if not token.usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at >= USE_RECORDED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
