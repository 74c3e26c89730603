"""Small helpers that keep the checks' messages consistent: how files, dates, counts and lists
are written for an assessor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

LIST_CAP = 50  # a list of ids longer than this is cut, with a count of the rest


def quoted(title: str) -> str:
    return f"“{title}”"


def day(date: dt.date) -> str:
    """1 Jun 2025"""
    return f"{date.day} {date:%b %Y}"


def count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number:,} {singular if number == 1 else (plural or singular + 's')}"


def refs(values: Iterable[str]) -> str:
    return ", ".join(values)


def capped(values: Sequence[str], cap: int = LIST_CAP) -> str:
    """Every value up to `cap`, then how many more."""
    shown = ", ".join(values[:cap])
    rest = len(values) - cap
    return f"{shown} and {rest:,} more" if rest > 0 else shown


def and_list(values: Sequence[str]) -> str:
    values = list(values)
    if len(values) <= 1:
        return "".join(values)
    return ", ".join(values[:-1]) + " and " + values[-1]


def percent(ratio: float) -> str:
    """0.95 -> 95%, 0.975 -> 97.5%"""
    value = round(ratio * 100, 1)
    return f"{value:g}%"


def is_are(number: int) -> str:
    return "is" if number == 1 else "are"
