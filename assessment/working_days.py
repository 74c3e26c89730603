"""Working days in England and Wales: the clock review targets are measured on.

Each year is read once into a cumulative index (how many working days from 1 January up to
and including each day), so that the working days between two dates are two look-ups and a
subtraction rather than a walk over every day between them: the queue and the dashboard
measure every open review this way on each request.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    # England and Wales share their bank holidays (including "observed" substitute days).
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


@lru_cache(maxsize=32)
def _year_index(year: int) -> tuple[int, ...]:
    """Working days of `year` from 1 January up to and including each day, by the day's
    place in the year (0 for 1 January)."""
    closed = _bank_holidays(year)
    day, one_day = dt.date(year, 1, 1), dt.timedelta(days=1)
    counts, count = [], 0
    while day.year == year:
        if day.weekday() < 5 and day not in closed:
            count += 1
        counts.append(count)
        day += one_day
    return tuple(counts)


def _year_total(year: int) -> int:
    return _year_index(year)[-1]


def _through(day: dt.date) -> int:
    """Working days of the day's year up to and including the day."""
    return _year_index(day.year)[day.timetuple().tm_yday - 1]


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end is not later):
    something submitted on a Friday has waited 1 working day on the Monday."""
    if end <= start:
        return 0
    if start.year == end.year:
        return _through(end) - _through(start)
    between = sum(_year_total(year) for year in range(start.year + 1, end.year))
    return _year_total(start.year) - _through(start) + between + _through(end)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The working day on which `days` working days after `start` have passed (`start`
    itself when `days` is not positive)."""
    if days <= 0:
        return start
    year, wanted = start.year, _through(start) + days
    while wanted > _year_total(year):
        wanted -= _year_total(year)
        year += 1
    # The first day of that year on which the count reaches what is wanted: a working day.
    return dt.date(year, 1, 1) + dt.timedelta(days=bisect_left(_year_index(year), wanted))
