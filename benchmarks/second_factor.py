"""Benchmark sessions signed in as a real person would be: with the second factor verified
for the people who must use one (assessors, signatories, portal admins)."""

from __future__ import annotations


def verify_second_factor(user, session) -> None:
    """Records in `session` a verified authenticator of `user`'s, if they need one; the
    middleware then loads that device on every request, as it does in production."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qualification.security import needs_second_factor

    if needs_second_factor(user):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, confirmed=True, defaults={"name": "Benchmark authenticator"}
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
