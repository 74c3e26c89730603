"""Events the portal answers itself (the database out of reach for a moment, two writers
meeting) are not server errors: they are logged once, at WARNING, by the `qad.outage` logger,
and must not wake whoever watches the error alerts.

Kept free of models: the logging configuration imports it before the apps are ready."""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError

from qualification.contention import is_contention

CONTENTION = "contention"
UNREACHABLE = "unreachable"


def expected_outage(error: BaseException | None) -> str | None:
    """What an error says about the database, when it is an event the portal answers itself:
    two writers meeting (CONTENTION) or the database out of reach (UNREACHABLE)."""
    if error is None:
        return None
    if is_contention(error):
        return CONTENTION
    if isinstance(error, OperationalError | InterfaceError):
        return UNREACHABLE
    return None


class ExpectedOutageFilter(logging.Filter):
    """Drops Django's records of an expected outage: the "Internal Server Error" where it
    was raised and the "Service Unavailable" of the answer that replaced it.
    DatabaseUnavailableMiddleware answers it and logs it at WARNING itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        answered = getattr(getattr(record, "request", None), "database_unavailable", None)
        return expected_outage(error) is None and not answered
