"""Writing the audit trail: one call per change, in the same transaction as the change."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from typing import Any

from django.db import models

from qualification.models import AuditEvent, Organisation, Qualification, User
from qualification.sql_rows import insert

# How the changes of the current request are made when not through the pages: set for an
# API request by its token ("API token <name>"), and written on every audit event it causes.
_via: contextvars.ContextVar[str] = contextvars.ContextVar("audit_via", default="")


@contextmanager
def changes_via(channel: str):
    """Mark every audit event recorded inside the block as made through `channel`."""
    token = _via.set(channel)
    try:
        yield
    finally:
        _via.reset(token)


def audit_record(
    *,
    kind: str,
    actor: User | None,
    summary: str,
    qualification: Qualification | None = None,
    organisation: Organisation | None = None,
    target: models.Model | None = None,
    section_ref: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    if organisation is not None:
        organisation_id = organisation.pk
    else:
        organisation_id = qualification.organisation_id if qualification is not None else None
    event = AuditEvent(
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        summary=summary,
        qualification=qualification,
        organisation_id=organisation_id,
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        section_ref=section_ref,
        before=before,
        after=after,
        via=_via.get(),
    )
    # Written on every save of an answer: an insert of our own costs a fifth of the ORM's.
    insert(event)
    return event
