"""Text out of plain text and CSV files, with line or row and column locations.

Lines are read in pieces of at most `max_line_chars`, so a file without line breaks cannot
make us hold it all in memory; a value cut in two at a piece boundary may be missed, which
only happens on lines far longer than any log writes.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from evidence.scanning.obfuscation.records import Cell, Record, table_record

CSV_DELIMITERS = ",;\t|"
SNIFF_CHARS = 64 * 1024


def text_records(path: Path, *, encoding: str, max_line_chars: int) -> Iterator[Record]:
    """One record per line (or piece of a very long line), located as `line N`."""
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        for number, piece in _pieces(handle, max_line_chars):
            yield Record((Cell(f"line {number}", piece),))


def csv_records(path: Path, *, encoding: str, max_line_chars: int) -> Iterator[Record]:
    """One record per CSV row, cells located as `row N, column C (heading)`.

    The delimiter is sniffed from the start of the file (comma, semicolon, tab or bar);
    the first non-empty row gives the column headings. Row numbers count records, as a
    spreadsheet shows them, even when a quoted value spans several lines.
    """
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        sample = handle.read(SNIFF_CHARS)
        handle.seek(0)
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
                sample, delimiters=CSV_DELIMITERS
            )
        except csv.Error:
            dialect = csv.excel
        lines = (piece for _, piece in _pieces(handle, max_line_chars))
        headers: list[str] | None = None
        for number, row in enumerate(csv.reader(lines, dialect), start=1):
            if not any(value.strip() for value in row):
                continue
            yield table_record(row, headers=headers or [], where=f"row {number}")
            if headers is None:
                headers = row


def _pieces(handle: TextIO, max_chars: int) -> Iterator[tuple[int, str]]:
    """(line number, text) for each line, long lines cut into pieces of `max_chars`."""
    number = 1
    while piece := handle.readline(max_chars):
        yield number, piece
        if piece.endswith(("\n", "\r")):
            number += 1
