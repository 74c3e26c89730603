"""MPAN core check digit (domain brief section 7.2).

A core MPAN is 13 digits: distributor ID (2), unique identifier (10), check digit (1). The
first 12 digits are weighted by the primes 3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43
(11 is skipped on purpose); the sum mod 11, then mod 10, is the check digit. The personal
data scan only reports 13-digit numbers that pass, so counters, timestamps and invalid test
values do not flood the findings.
"""

from __future__ import annotations

WEIGHTS = (3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43)


def mpan_check_digit(first_twelve: str) -> int:
    """The check digit for the first 12 digits of an MPAN core."""
    if len(first_twelve) != 12 or not first_twelve.isascii() or not first_twelve.isdigit():
        raise ValueError("an MPAN check digit needs exactly 12 digits")
    total = sum(int(digit) * weight for digit, weight in zip(first_twelve, WEIGHTS, strict=True))
    return total % 11 % 10


def is_valid_mpan(core: str) -> bool:
    """True when `core` is 13 ASCII digits whose last digit is the right check digit."""
    if len(core) != 13 or not core.isascii() or not core.isdigit():
        return False
    return mpan_check_digit(core[:12]) == int(core[12])
