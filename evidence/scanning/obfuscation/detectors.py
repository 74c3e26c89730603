"""Recognising personal data in extracted text (domain brief section 7.1).

Each detector is tuned so that a normal test log does not flood the findings:

- MPAN cores: 13-digit runs that pass the MPAN check digit; runs that fail it, or that sit
  inside a longer number, are not reported. The printed form `13 1500 1165 122` (2-4-4-3,
  single spaces) is recognised too: that exact grouping plus a valid check digit is rare
  enough by chance. Other spacings are not, as they would match ordinary digit tables.
  Numbers in a column or after a label about time or dates (`timestamp`, `createdDate`)
  are skipped: epoch milliseconds are 13 digits too.
- MPANs as Excel writes a 13-digit number it took for a quantity: `1.60012E+12`. Its last
  digits are lost, so no check digit can be tested: it is reported when it fills its cell
  (a spreadsheet or CSV value), sits in a column or after a label about MPANs, or follows
  the word in the text ("MPAN: 1.60012E+12").
- E-mail addresses, except at domains reserved for examples and tests (RFC 2606/6761:
  example.com, .example, .test, .invalid, .localhost).
- UK phone numbers: 0 or +44 (or 0044) followed by 9 or 10 digits, in groups separated by
  single spaces or dashes, with an optional (0) or (area code). A run that continues with
  more digits is not a phone number.
- Postcodes, only when their row, line or paragraph looks like an address: an address,
  street or postcode column or label, or a house number followed by a street word
  ("12 High Street"). A bare postcode-like token (`TC1 2AB` in a test log) is ignored.
- Meter serial numbers (MSN), only by field: a column or label such as `meterID`,
  `meter serial number` or `MSN`, or the same key before `:`, `=` or `>` in the text, with
  a value of 5 to 12 letters and digits holding at least one digit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from evidence.scanning.mpan import is_valid_mpan
from evidence.scanning.obfuscation.records import Cell, Record


class PersonalDataKind(StrEnum):
    MPAN = "mpan"
    EMAIL = "email"
    PHONE = "phone"
    POSTCODE = "postcode"
    METER_SERIAL = "meter_serial"

    @property
    def label(self) -> str:
        return {
            "mpan": "MPAN",
            "email": "e-mail address",
            "phone": "phone number",
            "postcode": "postcode",
            "meter_serial": "meter serial number",
        }[self.value]


@dataclass(frozen=True)
class Detection:
    kind: PersonalDataKind
    cell: Cell
    value: str


MPAN_PATTERN = re.compile(
    r"(?<![0-9.])(?:[1-9][0-9]{12}|[1-9][0-9] [0-9]{4} [0-9]{4} [0-9]{3})(?![0-9]|\.[0-9])"
)
MPAN_SCIENTIFIC_PATTERN = re.compile(r"(?<![0-9.])[1-9]\.[0-9]{1,11}[eE]\+?12(?![0-9])")
MPAN_FIELD = re.compile(r"mpan|meterpoint|supplynumber")
MPAN_BEFORE = re.compile(r"(?i)\b(?:mpan(?: core)?|meter point)\b[^0-9A-Za-z]{0,5}$")
EMAIL_PATTERN = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?![A-Za-z0-9-])"
)
PHONE_PATTERN = re.compile(
    r"(?<![A-Za-z0-9_+])"
    r"(?:(?:\+44|0044)[ -]?(?:\(0\)[ -]?)?|\(?0)"
    r"[1235789](?:[ -]?\)?[ -]?[0-9]){8,9}"
    r"(?![ -]?[0-9])"
)
POSTCODE_PATTERN = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}(?![A-Za-z0-9])", re.IGNORECASE
)
ADDRESS_LABEL = re.compile(
    r"address ?line|address[0-9]|address\s*[:=]|street|post ?code|postal ?code|premises",
    re.IGNORECASE,
)
# Column headings and labels, compared once lower-cased with punctuation removed.
ADDRESS_FIELD = re.compile(r"address|street|postcode|postalcode|premises")
NOT_ADDRESS_FIELD = re.compile(r"email|ipaddress|macaddress|webaddress|url")
HOUSE_AND_STREET = re.compile(
    r"(?<![A-Za-z0-9])[0-9]{1,4}[A-Za-z]?,? +(?:[A-Za-z'-]+ +){1,3}"
    r"(?:street|st|road|rd|lane|ln|avenue|ave|close|drive|dr|way|court|ct|crescent|place|"
    r"gardens|terrace|grove|hill|park|square|sq|walk|mews|row|green|rise|view|parade|gate)"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
METER_SERIAL_FIELDS = frozenset(
    {
        "msn",
        "meterid",
        "meterserial",
        "meterserialnumber",
        "meterserialno",
        "meterserialnum",
        "metersn",
    }
)
METER_SERIAL_VALUE = re.compile(r"[A-Za-z0-9]{5,12}")
METER_SERIAL_INLINE = re.compile(
    r"(?<![A-Za-z0-9])(?:meter[ _-]?id|meter[ _-]?serial(?:[ _-]?(?:number|num|no))?|msn)"
    r"[\"']?\s*[:=>]\s*[\"']?([A-Za-z0-9]{5,12})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
TIME_WORDS = ("time", "date", "epoch")
RESERVED_DOMAINS = ("example.com", "example.org", "example.net")
RESERVED_TOP_LEVEL = frozenset({"example", "test", "invalid", "localhost", "local"})


def detect(record: Record) -> Iterator[Detection]:
    """Every piece of personal data in one record, in reading order.

    The costlier questions (is this row an address? what is this column called?) are only
    asked once a pattern has matched: most cells of a test log match nothing.
    """
    address_record: bool | None = None
    for cell in record.cells:
        text = cell.text
        for match in MPAN_PATTERN.finditer(text):
            digits = match.group().replace(" ", "")
            if is_valid_mpan(digits) and not _about_time(cell):
                yield Detection(PersonalDataKind.MPAN, cell, digits)
        if "+12" in text or "E12" in text or "e12" in text:
            for match in MPAN_SCIENTIFIC_PATTERN.finditer(text):
                if (
                    match.group() == text.strip()
                    or _about_mpans(cell)
                    or MPAN_BEFORE.search(text, 0, match.start())
                ):
                    yield Detection(PersonalDataKind.MPAN, cell, match.group())
        if "@" in text:
            for match in EMAIL_PATTERN.finditer(text):
                if not _reserved(match.group()):
                    yield Detection(PersonalDataKind.EMAIL, cell, match.group())
        for match in PHONE_PATTERN.finditer(text):
            yield Detection(PersonalDataKind.PHONE, cell, match.group())
        postcodes = [match.group() for match in POSTCODE_PATTERN.finditer(text)]
        if postcodes:
            if address_record is None:
                address_record = _looks_like_address(record)
            if address_record or _address_field(cell.label):
                for postcode in postcodes:
                    yield Detection(PersonalDataKind.POSTCODE, cell, postcode)
        yield from _meter_serials(cell)


def _meter_serials(cell: Cell) -> Iterator[Detection]:
    value = cell.text.strip()
    if _serial(value) and METER_SERIAL_FIELDS & {_normalise(cell.field), _normalise(cell.label)}:
        yield Detection(PersonalDataKind.METER_SERIAL, cell, value)
        return
    for match in METER_SERIAL_INLINE.finditer(cell.text):
        if _serial(match.group(1)):
            yield Detection(PersonalDataKind.METER_SERIAL, cell, match.group(1))


def _about_time(cell: Cell) -> bool:
    """A column or label about time: 13 digits there are epoch milliseconds, not MPANs."""
    names = (_normalise(cell.field), _normalise(cell.label))
    return any(word in name for name in names for word in TIME_WORDS)


def _about_mpans(cell: Cell) -> bool:
    """A column or label about MPANs (`MPAN`, `mpanCore`, `Meter point`)."""
    return bool(
        MPAN_FIELD.search(_normalise(cell.field)) or MPAN_FIELD.search(_normalise(cell.label))
    )


def _looks_like_address(record: Record) -> bool:
    """An address label or heading, or a house number and street, somewhere in the record."""
    for cell in record.cells:
        if _address_field(cell.field) or ADDRESS_LABEL.search(cell.text):
            return True
        if HOUSE_AND_STREET.search(cell.text):
            return True
    return False


def _address_field(name: str) -> bool:
    """`addressLine1`, `Address`, `meteringPointPostcode`; not `Email address`."""
    key = _normalise(name)
    return bool(ADDRESS_FIELD.search(key)) and not NOT_ADDRESS_FIELD.search(key)


@lru_cache(maxsize=4096)
def _normalise(name: str) -> str:
    """`Meter Serial No.` -> `meterserialno`, `meterID` -> `meterid`."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _serial(value: str) -> bool:
    return bool(METER_SERIAL_VALUE.fullmatch(value)) and any(ch.isdigit() for ch in value)


def _reserved(address: str) -> bool:
    domain = address.rpartition("@")[2].lower()
    if domain.rpartition(".")[2] in RESERVED_TOP_LEVEL:
        return True
    return any(
        domain == reserved or domain.endswith("." + reserved) for reserved in RESERVED_DOMAINS
    )
