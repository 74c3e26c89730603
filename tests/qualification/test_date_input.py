"""Dates typed the British way, or as a date picker sends them; never month first."""

import datetime as dt

import pytest

from qualification.date_input import date_typed


@pytest.mark.parametrize("typed", ["31/12/2026", "2026-12-31", " 31/12/26 "])
def test_a_british_or_iso_date_is_read(typed):
    assert date_typed(typed) == dt.date(2026, 12, 31)


@pytest.mark.parametrize("typed", ["12/31/2026", "31.12.2026", "", "tomorrow"])
def test_a_month_first_or_other_date_is_refused(typed):
    with pytest.raises(ValueError):
        date_typed(typed)
