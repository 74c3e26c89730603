"""Enqueueing follow-up work once the change that needs it is committed."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, **kwargs: Any) -> None:
    """Send `task` after the current transaction commits (never for a rolled-back change).

    If the broker cannot be reached the change stands and the failure is logged: every task
    sent this way has a periodic sweep that finds the work still to do.
    """

    def send() -> None:
        try:
            task.apply_async(kwargs=kwargs)
        except OperationalError:
            logger.warning("Broker unreachable; %s(%s) left to the sweep", task.name, kwargs)

    transaction.on_commit(send)
