"""Text out of Word (.docx) files: paragraphs and table cells, with their numbers.

The XML parts are streamed (see `xmlparts.iter_part`) rather than loaded with python-docx,
so a document's size on disk bounds nothing we hold in memory, and each part is read
within a byte budget. Besides the body, headers, footers, footnotes, endnotes and comments
are read, and so is deleted text kept by tracked changes: all of it ships with the file.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from evidence.scanning.archives import ArchiveLimits, open_zip
from evidence.scanning.obfuscation.records import Cell, Record, table_record
from evidence.scanning.xmlparts import iter_part, local_name

PARTS = (
    (re.compile(r"word/document\.xml"), ""),
    (re.compile(r"word/header[0-9]*\.xml"), "page header, "),
    (re.compile(r"word/footer[0-9]*\.xml"), "page footer, "),
    (re.compile(r"word/footnotes\.xml"), "footnotes, "),
    (re.compile(r"word/endnotes\.xml"), "endnotes, "),
    (re.compile(r"word/comments\.xml"), "comments, "),
)
TEXT_TAGS = frozenset({"t", "delText"})
SPACE_TAGS = frozenset({"tab", "br", "cr"})


@dataclass
class _Table:
    number: int
    rows: int = 0
    headers: list[str] = field(default_factory=list)
    row: list[str] = field(default_factory=list)
    cell: list[str] | None = None


def docx_records(
    path: Path, *, archive_limits: ArchiveLimits, max_part_bytes: int
) -> Iterator[Record]:
    """Records for body paragraphs (`paragraph N`, counting non-empty ones) and table rows
    (`table T, row R, cell C`), then for the other parts in turn."""
    with open_zip(path, limits=archive_limits) as archive:
        names = archive.namelist()
        for pattern, where in PARTS:
            for name in sorted(n for n in names if pattern.fullmatch(n)):
                yield from _part_records(archive, name, where, max_part_bytes)


def _part_records(
    archive: zipfile.ZipFile, name: str, where: str, max_part_bytes: int
) -> Iterator[Record]:
    paragraphs: list[list[str]] = []  # a stack: text boxes hold paragraphs in paragraphs
    tables: list[_Table] = []
    paragraph_count = table_count = 0
    for event, element in iter_part(archive, name, max_bytes=max_part_bytes):
        tag = local_name(element.tag)
        if event == "start":
            if tag == "p":
                paragraphs.append([])
            elif tag == "tbl":
                table_count += 1
                tables.append(_Table(table_count))
            elif tag == "tc" and tables:
                tables[-1].cell = []
            continue
        if tag in TEXT_TAGS and paragraphs:
            paragraphs[-1].append(element.text or "")
        elif tag in SPACE_TAGS and paragraphs:
            paragraphs[-1].append(" ")
        elif tag == "p" and paragraphs:
            text = "".join(paragraphs.pop())
            if paragraphs:
                paragraphs[-1].append(f" {text} ")
            elif tables and tables[-1].cell is not None:
                tables[-1].cell.append(text)
            elif text.strip():
                paragraph_count += 1
                yield Record((Cell(f"{where}paragraph {paragraph_count}", text),))
        elif tag == "tc" and tables and tables[-1].cell is not None:
            tables[-1].row.append(" ".join(tables[-1].cell).strip())
            tables[-1].cell = None
        elif tag == "tr" and tables:
            table = tables[-1]
            table.rows += 1
            row, table.row = table.row, []
            yield table_record(
                row,
                headers=table.headers,
                where=f"{where}table {table.number}, row {table.rows}",
                column=lambda index: f"cell {index + 1}",
            )
            if table.rows == 1:
                table.headers = row
        elif tag == "tbl" and tables:
            tables.pop()
