"""Masked previews: enough to find the value in the file, never the value itself."""

from __future__ import annotations

from evidence.scanning.obfuscation.detectors import PersonalDataKind

BULLET = "\u2022"


def mask(kind: PersonalDataKind, value: str) -> str:
    """`13••••••••122`, `j•••@e•••.com`, `07•••••••89`, `SW•• •••`, `ZZ••••••45`."""
    return _MASKS[kind](value)


def _mpan(value: str) -> str:
    mantissa, e, exponent = value.upper().partition("E")
    if e:  # as Excel writes it, `1.60012E+12`: `1.•••••E+12`
        return mantissa[:2] + BULLET * (len(mantissa) - 2) + "E" + exponent
    digits = "".join(ch for ch in value if ch.isdigit())
    return digits[:2] + BULLET * (len(digits) - 5) + digits[-3:]


def _email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    labels = domain.split(".")
    # Keep a public suffix such as `.co.uk` whole: it says nothing about the person.
    keep = 2 if len(labels) >= 3 and len(labels[-2]) <= 3 else 1
    suffix = ".".join(labels[-keep:])
    return f"{local[:1]}{BULLET * 3}@{domain[:1]}{BULLET * 3}.{suffix}"


def _phone(value: str) -> str:
    digits = "".join(ch for ch in value if ch.isdigit())
    if value.lstrip().startswith("+") or digits.startswith("0044"):
        # A national number never starts with 0 after +44: drop the (0) some people write.
        national = digits.removeprefix("00").removeprefix("44").removeprefix("0")
        return "+44" + BULLET * (len(national) - 2) + national[-2:]
    return digits[:2] + BULLET * (len(digits) - 4) + digits[-2:]


def _postcode(value: str) -> str:
    compact = value.replace(" ", "").upper()
    outward = compact[:-3]
    area = outward[: len(outward) - len(outward.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))]
    return area + BULLET * (len(outward) - len(area)) + " " + BULLET * 3


def _serial(value: str) -> str:
    if len(value) < 6:
        return value[:1] + BULLET * (len(value) - 1)
    return value[:2] + BULLET * (len(value) - 4) + value[-2:]


_MASKS = {
    PersonalDataKind.MPAN: _mpan,
    PersonalDataKind.EMAIL: _email,
    PersonalDataKind.PHONE: _phone,
    PersonalDataKind.POSTCODE: _postcode,
    PersonalDataKind.METER_SERIAL: _serial,
}
