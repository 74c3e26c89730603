"""Two people saving the same thing at once.

Every write that several people can make to one QAD at the same moment (an autosave, settling
an edit conflict, submitting, signing, moving a draft to a new template version) takes its row
locks in one order, so that two of them can wait for each other but never deadlock:

    submission → qualification → revision → answer → answer conflict

A write takes only the locks it needs, but never one that comes earlier in this list after
one that comes later. Locks are `FOR NO KEY UPDATE` and name only the rows they lock
(`of=("self",)`): a row inserted beside a locked one (an audit event, a transition, a review)
checks its foreign keys with a key-share lock, which a no-key lock does not block.

Should PostgreSQL still find a deadlock or a serialization failure (another kind of write
that does not follow the order, a lock timeout), the whole write is tried once more from the
start, and if that fails too the person is told that someone else is saving this just now,
never that the portal cannot reach its database.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db import OperationalError, connection
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("qad.outage")

P = ParamSpec("P")
R = TypeVar("R")

RETRY_PAUSE_SECONDS = (0.05, 0.2)
# deadlock_detected, serialization_failure, lock_not_available
CONTENTION_CODES = frozenset({"40P01", "40001", "55P03"})

SOMEONE_ELSE_SAVING = _(
    "Someone else is saving this just now, so nothing was changed. Try again in a moment."
)


class SomeoneElseSaving(Exception):
    """A write met another one twice; nothing of it was stored."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message or str(SOMEONE_ELSE_SAVING))


def lock(rows: QuerySet) -> None:
    """Take the row locks of `rows` in the order above (`FOR NO KEY UPDATE`, these rows
    alone), for a write that reads them some other way or not at all. Call inside a
    transaction."""
    rows.select_for_update(no_key=True).exists()


def is_contention(error: BaseException) -> bool:
    """Whether a database error is two writers meeting, rather than the database being gone."""
    if isinstance(error, SomeoneElseSaving):
        return True
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    return getattr(cause, "pgcode", None) in CONTENTION_CODES or "database is locked" in str(error)


def retry_on_contention(write: Callable[P, R]) -> Callable[P, R]:
    """Run `write`, and once more if it met another writer; then SomeoneElseSaving.

    A write can only be retried as a whole: inside a transaction that a caller holds open the
    failed statement has spoilt that transaction, so the error goes up to whoever opened it."""

    @functools.wraps(write)
    def retried(*args: P.args, **kwargs: P.kwargs) -> R:
        if connection.in_atomic_block:
            return write(*args, **kwargs)
        try:
            return write(*args, **kwargs)
        except OperationalError as error:
            if not is_contention(error):
                raise
            logger.warning("%s met another writer (%s); trying once more", write.__name__, error)
        # A moment's pause first: the other writer, woken by our rollback, would otherwise race
        # our second attempt for the row it was waiting for, and meet it again.
        time.sleep(random.uniform(*RETRY_PAUSE_SECONDS))
        try:
            return write(*args, **kwargs)
        except OperationalError as error:
            if not is_contention(error):
                raise
            logger.warning("%s met another writer again (%s)", write.__name__, error)
            raise SomeoneElseSaving() from error

    return retried
