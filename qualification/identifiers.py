"""Identifiers read from a request: anything typed or tampered with that is not one reads as
None, so that a lookup finds nothing (a clear message or a 404) instead of failing."""

from __future__ import annotations

import uuid


def as_uuid(text: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(text))
    except ValueError:
        return None


def as_pk(text: str | None) -> int | None:
    text = str(text or "")
    return int(text) if text.isdigit() else None
