"""Background work for participants and people: thin wrappers over services."""

from celery import shared_task
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from qualification.emails import email_send, portal_link
from qualification.models import Invitation
from qualification.outbox import BEAT_TICK_KEY, outbox_flush


@shared_task(
    name="qad.people.send_invitation", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_invitation(*, invitation_id: int, token: str) -> int:
    invitation = Invitation.objects.select_related("organisation", "code_body", "invited_by").get(
        pk=invitation_id
    )
    where = (
        invitation.organisation.legal_name
        if invitation.organisation
        else invitation.code_body.name
        if invitation.code_body
        else "the QAD Portal"
    )
    return email_send(
        "invitation",
        {
            "invited_by": invitation.invited_by.full_name,
            "where": where,
            "expires_at": timezone.localtime(invitation.expires_at),
            "link": portal_link(reverse("invitation-accept", args=[token])),
        },
        [invitation.email],
    )


@shared_task(name="qad.outbox.flush")
def flush_outbox() -> int:
    """The sweep: send follow-up work that was recorded while the broker was down. Beat sends
    it every minute: its tick is what /health/ reads as beat's."""
    cache.set(BEAT_TICK_KEY, timezone.now(), timeout=None)
    return outbox_flush()
