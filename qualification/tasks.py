"""Background work for participants and people: thin wrappers over services."""

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from qualification.models import Invitation
from qualification.outbox import BEAT_TICK_KEY, outbox_flush


@shared_task(
    name="qad.people.send_invitation", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_invitation(*, invitation_id: int, token: str) -> int:
    invitation = Invitation.objects.select_related("organisation", "code_body", "invited_by").get(
        pk=invitation_id
    )
    link = settings.PORTAL_URL.rstrip("/") + reverse("invitation-accept", args=[token])
    where = (
        invitation.organisation.legal_name
        if invitation.organisation
        else invitation.code_body.name
        if invitation.code_body
        else "the QAD Portal"
    )
    body = (
        f"{invitation.invited_by.full_name} has invited you to the QAD Portal for {where}.\n\n"
        f"Set your password with this link (it works once, until "
        f"{invitation.expires_at:%d %b %Y %H:%M}):\n{link}\n"
    )
    return send_mail(
        "Your invitation to the QAD Portal", body, settings.DEFAULT_FROM_EMAIL, [invitation.email]
    )


@shared_task(name="qad.outbox.flush")
def flush_outbox() -> int:
    """The sweep: send follow-up work that was recorded while the broker was down. Beat sends
    it every minute: its tick is what /health/ reads as beat's."""
    cache.set(BEAT_TICK_KEY, timezone.now(), timeout=None)
    return outbox_flush()
