"""The review clock counts England and Wales working days."""

import datetime as dt

from assessment.working_days import add_working_days, is_working_day, working_days_between


def test_weekends_are_not_working_days():
    friday, monday = dt.date(2026, 11, 20), dt.date(2026, 11, 23)
    assert working_days_between(friday, monday) == 1
    assert not is_working_day(dt.date(2026, 11, 21))


def test_bank_holidays_are_not_working_days():
    # Easter 2026: Good Friday 3 April and Easter Monday 6 April.
    thursday, tuesday = dt.date(2026, 4, 2), dt.date(2026, 4, 7)
    assert working_days_between(thursday, tuesday) == 1


def test_christmas_2026_and_the_substitute_boxing_day():
    # 25 Dec is a Friday, 26 Dec a Saturday, so Monday 28 Dec is the observed Boxing Day.
    assert not is_working_day(dt.date(2026, 12, 28))
    assert working_days_between(dt.date(2026, 12, 24), dt.date(2026, 12, 31)) == 3


def test_a_ten_day_target_from_a_friday_before_christmas():
    # 21-24 Dec, 29-31 Dec, 4-6 Jan: Christmas, the observed Boxing Day and New Year skipped.
    assert add_working_days(dt.date(2026, 12, 18), 10) == dt.date(2027, 1, 6)


def test_nothing_has_waited_when_the_end_is_not_later():
    day = dt.date(2026, 11, 27)
    assert working_days_between(day, day) == 0
    assert working_days_between(day, day - dt.timedelta(days=3)) == 0


def _counted_day_by_day(start: dt.date, end: dt.date) -> int:
    days = (end - start).days
    return sum(is_working_day(start + dt.timedelta(days=n)) for n in range(1, days + 1))


def test_the_clock_agrees_with_counting_each_day_across_year_ends():
    # Every start in December 2025 and January 2026 against ends up to 14 months later.
    starts = [dt.date(2025, 12, 1) + dt.timedelta(days=n) for n in range(62)]
    ends = [dt.date(2025, 12, 1) + dt.timedelta(days=n) for n in range(0, 430, 7)]
    for start in starts:
        for end in ends:
            assert working_days_between(start, end) == _counted_day_by_day(start, end)


def test_a_target_is_reached_on_the_working_day_the_count_reaches_it():
    for offset in range(40):
        start = dt.date(2026, 12, 1) + dt.timedelta(days=offset)
        for days in (1, 5, 10, 30, 300):
            due = add_working_days(start, days)
            assert (is_working_day(due), _counted_day_by_day(start, due)) == (True, days)
            assert _counted_day_by_day(start, due - dt.timedelta(days=1)) == days - 1
    assert add_working_days(dt.date(2026, 12, 24), 0) == dt.date(2026, 12, 24)
