"""Enqueueing follow-up work once the change that needs it is committed.

Each piece of work is first written to an outbox table in the same transaction as the
change. After the commit it is sent to the broker at once; if the broker cannot be reached,
the row stays and a periodic sweep sends it when the broker is back. Every task sent this way
is idempotent, so sending one twice does no harm.

A service names the task it sends ("qad.evidence.scan"), as the outbox does: a tasks module
imports the services it runs, so the services cannot import it back. Each app's tasks are
registered with Celery when the app starts (its AppConfig.ready), in every process.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, current_app
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from qualification.models import OutboxMessage

logger = logging.getLogger(__name__)

# When beat's sweep last ran (it runs every minute): /health/ reports beat late without it.
BEAT_TICK_KEY = "health:beat-tick"


def enqueue_on_commit(task: Task | str, *, durable: bool = True, **kwargs: Any) -> None:
    """Send `task` (or the task of that name) after the current transaction commits (never
    for a rolled-back change).

    `durable=False` skips the outbox, for work that a periodic sweep finds anyway and that
    is sent too often to be worth a row each time."""
    if isinstance(task, str):
        # Looked up now, not at the commit: a misspelt name fails the change that sends it.
        task = current_app.tasks[task]
    if not durable:
        transaction.on_commit(lambda: _send(None, task, kwargs))
        return
    message = OutboxMessage.objects.create(task_name=task.name, kwargs=kwargs)
    transaction.on_commit(lambda: _send(message.pk, task, kwargs))


def _send(message_id: int | None, task: Task, kwargs: dict[str, Any]) -> bool:
    try:
        task.apply_async(kwargs=kwargs)
    except Exception as error:
        if task.app.conf.task_always_eager:
            raise  # the task itself failed, in-process: a bug to see, not a broker outage
        # The change is committed whatever happens here; Redis being down shows up as a
        # kombu OperationalError, or as a redis error from the result store.
        logger.warning(
            "Broker unreachable (%s); %s(%s) left for its sweep",
            type(error).__name__,
            task.name,
            kwargs,
        )
        if message_id is not None:
            OutboxMessage.objects.filter(pk=message_id).update(
                last_error=str(error)[:300], attempts=F("attempts") + 1
            )
        return False
    if message_id is not None:  # work sent without an outbox row has none to mark
        OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now())
    return True


def outbox_flush(*, limit: int = 500) -> int:
    """Send what could not be sent when its change committed. Returns how many were sent."""
    week_ago = timezone.now() - timezone.timedelta(days=7)
    OutboxMessage.objects.filter(sent_at__lt=week_ago).delete()
    sent = 0
    pending = OutboxMessage.objects.filter(sent_at__isnull=True).order_by("pk")[:limit]
    for message in pending:
        task = current_app.tasks.get(message.task_name)
        if task is None:
            logger.error("Outbox names an unknown task %s", message.task_name)
            continue
        if _send(message.pk, task, message.kwargs):
            sent += 1
        else:
            break  # the broker is still down: try again at the next sweep
    return sent


def tasks_in_hand(task_name: str, *, timeout: float = 1.0) -> list[dict[str, Any]] | None:
    """The keyword arguments of every `task_name` that a live worker is running or holds.

    Work marked as started whose task no live worker holds was lost with its worker (a
    container that died takes its messages' acknowledgements with it, and the broker hands
    them out again only after its visibility timeout): a sweep may send it again, as the tasks
    are idempotent. None when the workers cannot be asked (the broker is down: nothing can be
    sent anyway); with tasks run in-process no other process holds any."""
    if current_app.conf.task_always_eager:
        return []
    try:
        inspect = current_app.control.inspect(timeout=timeout)
        replies = [inspect.active() or {}, inspect.reserved() or {}]
    except Exception as error:  # the broker is down: kombu and redis errors alike
        logger.warning("Could not ask the workers what they hold (%s)", error)
        return None
    return [
        task.get("kwargs") or {}
        for reply in replies
        for tasks in reply.values()
        for task in tasks
        if task.get("name") == task_name
    ]
