"""Dates as people type them in Great Britain: 31/12/2026 (or 31/12/26), and the ISO form a
browser's date picker sends. 12/31/2026 is not a date here."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import get_format


def date_typed(text: str) -> dt.date:
    """The date `text` gives in one of the portal's input formats (`DATE_INPUT_FORMATS` of
    the British locale, ISO included); ValueError for anything else."""
    text = (text or "").strip()
    for input_format in get_format("DATE_INPUT_FORMATS"):
        try:
            return dt.datetime.strptime(text, input_format).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")
