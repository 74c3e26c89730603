"""The shape every extractor produces: records (a row, a line, a paragraph) of cells."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from evidence.scanning.names import shown

# Text longer than this is not treated as a column heading or a label.
MAX_LABEL_LENGTH = 40


@dataclass(frozen=True)
class Cell:
    """Some text and where it is. `field` is the column heading of a table or sheet, and
    `label` the text just before the cell on its row (for "Meter serial | ZZ99Z12345"
    layouts); both help recognise what a value is."""

    location: str
    text: str
    field: str = ""
    label: str = ""


@dataclass(frozen=True)
class Record:
    """Cells read together: one CSV or sheet row, one line of text, one paragraph. A
    postcode counts only when its record also looks like an address."""

    cells: tuple[Cell, ...]


@lru_cache(maxsize=1024)
def column_letter(index: int) -> str:
    """'column A' for 0, 'column AA' for 26: as Excel shows it."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return f"column {letters}"


def table_record(
    texts: Sequence[str],
    *,
    headers: Sequence[str],
    where: str,
    column: Callable[[int], str] = column_letter,
) -> Record:
    """A record for a table row: each cell knows its column heading and left neighbour."""
    cells = []
    previous = ""
    for index, text in enumerate(texts):
        if not text:
            continue
        field = headers[index].strip() if index < len(headers) else ""
        if len(field) > MAX_LABEL_LENGTH:
            field = ""
        cells.append(Cell(f"{where}, {column(index)}{_heading(field)}", text, field, previous))
        previous = text.strip() if len(text) <= MAX_LABEL_LENGTH else ""
    return Record(tuple(cells))


@lru_cache(maxsize=1024)
def _heading(field: str) -> str:
    """` (MPAN)` after a cell's column, made once per heading rather than once per cell."""
    return f" ({shown(field)})" if field else ""
