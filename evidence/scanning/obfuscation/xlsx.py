"""Text out of Excel (.xlsx) workbooks, located by sheet, row and column.

openpyxl's read-only mode streams each sheet row by row. It does load the shared strings
(the workbook's text) whole, so their part is refused when it declares more than
`max_part_bytes`; the archive checks have already bounded everything else. Dimensions
declared by the file are ignored (`reset_dimensions`), so a sheet claiming to span
XFD1048576 is not padded out to that size. Hidden sheets are read too.
"""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

from evidence.scanning.archives import ArchiveLimits, open_zip
from evidence.scanning.names import shown
from evidence.scanning.obfuscation.records import Record, table_record
from evidence.scanning.sizes import human_size


def xlsx_records(
    path: Path,
    *,
    archive_limits: ArchiveLimits,
    max_part_bytes: int,
    note: Callable[[str], None],
) -> Iterator[Record]:
    """One record per non-empty row, cells located as `sheet 'S', row N, column C (heading)`;
    the first non-empty row of each sheet gives its headings."""
    with open_zip(path, limits=archive_limits) as archive:
        strings = [
            info
            for info in archive.infolist()
            if info.filename.lower().endswith("sharedstrings.xml")
            and info.file_size > max_part_bytes
        ]
    if strings:
        note(
            f"The workbook's text table is {human_size(strings[0].file_size)}, more than the "
            f"{human_size(max_part_bytes)} the check reads, so its text was not checked."
        )
        return
    with warnings.catch_warnings():
        # openpyxl warns about features it ignores (data validation, conditional styles...).
        warnings.simplefilter("ignore", UserWarning)
        import openpyxl  # loaded by the scanning worker only, not by every web process

        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    try:
        for sheet in workbook.worksheets:
            sheet.reset_dimensions()
            where = f"sheet '{shown(sheet.title)}', row"
            headers: list[str] | None = None
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                texts = [_text(value) for value in values]
                if not any(texts):
                    continue
                yield table_record(texts, headers=headers or [], where=f"{where} {number}")
                if headers is None:
                    headers = texts
    finally:
        workbook.close()


def _text(value: object) -> str:
    """A cell's value as it would read on screen; dates and booleans hold no personal data."""
    if value is None or isinstance(
        value, bool | datetime.date | datetime.time | datetime.timedelta
    ):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))  # an MPAN typed into a number cell
    return str(value)
