"""Background work on submissions: thin wrappers that fetch by id and call a service."""

from celery import shared_task

from qad.models import Revision
from qad.notifications import SENDERS
from qad.services.answers import revision_recompute_completeness


@shared_task(name="qad.submissions.recompute_completeness")
def recompute_completeness(*, revision_id: int) -> int:
    revision = revision_recompute_completeness(revision_id=revision_id)
    return revision.answered_count


@shared_task(name="qad.submissions.recompute_stale_completeness")
def recompute_stale_completeness() -> int:
    """Catch up with revisions whose recompute was never sent (broker down) or was lost."""
    stale = list(Revision.objects.filter(completeness_stale=True).values_list("pk", flat=True))
    for revision_id in stale:
        revision_recompute_completeness(revision_id=revision_id)
    return len(stale)


@shared_task(
    name="qad.notifications.send",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification(*, kind: str, **ids: int) -> int:
    return SENDERS[kind](**ids)
