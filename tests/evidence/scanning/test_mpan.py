import pytest

from evidence.scanning.mpan import is_valid_mpan, mpan_check_digit


def test_worked_example_from_the_domain_brief():
    assert mpan_check_digit("131500116512") == 2
    assert is_valid_mpan("1315001165122")
    assert not is_valid_mpan("1315001165123")


@pytest.mark.parametrize(
    "value",
    ["131500116512", "13150011651222", "13150011651a2", "1315 001165122", "", "\u0661" * 13],
)
def test_anything_but_thirteen_ascii_digits_is_not_an_mpan(value):
    assert not is_valid_mpan(value)


def test_check_digit_needs_twelve_digits():
    with pytest.raises(ValueError):
        mpan_check_digit("12345")
