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
