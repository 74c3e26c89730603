"""Reading evidence files for the checks: tables out of CSV and Excel files, and the date a
document records about itself. Each file is read at most once per run for each of these,
however many criteria ask, and only once it has passed the upload checks (type, archive
structure, malware): a file still being checked, or rejected, is never opened.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from evidence.enums import ScanState
from evidence.models import EvidenceItem
from evidence.scanning.xmlparts import local_name, parse_part
from evidence.storage import local_copy

logger = logging.getLogger(__name__)

EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_ROWS = 100_000  # per file; a test log or RTTM is far smaller
HEADER_SEARCH_ROWS = 20  # a title block may sit above the column headings
READABLE = frozenset({ScanState.CLEAN, ScanState.NEEDS_ATTENTION})

T = TypeVar("T")


class UnreadableEvidence(Exception):
    """A file a check needs but cannot read, with the reason in words for the assessor."""

    def __init__(self, item: EvidenceItem, reason: str):
        self.item = item
        super().__init__(f"“{item.title}” {reason}")


@dataclass(frozen=True)
class Table:
    """One sheet (or a CSV file): its column headings and data rows, all cells as text."""

    name: str  # sheet name; "" for CSV
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class DocumentDate:
    date: dt.date
    how: str  # "created", "last modified"


def is_readable(item: EvidenceItem) -> bool:
    """The file passed the upload checks (personal data findings do not stop us reading)."""
    return item.stored_file.scan_state in READABLE


def file_kind(item: EvidenceItem) -> str:
    content_type = item.stored_file.content_type.split(";")[0].strip()
    extension = item.original_name.rsplit(".", 1)[-1].lower() if "." in item.original_name else ""
    if content_type == EXCEL or extension == "xlsx":
        return "xlsx"
    if content_type == WORD or extension == "docx":
        return "docx"
    if content_type == "application/pdf" or extension == "pdf":
        return "pdf"
    if content_type in ("text/csv", "text/plain") or extension in ("csv", "txt", "log"):
        return "csv"
    return extension or "unknown"


KIND_NAMES = {
    "pdf": "a PDF document",
    "docx": "a Word document",
    "xlsx": "an Excel workbook",
    "csv": "a CSV file",
    "png": "an image",
    "jpg": "an image",
    "jpeg": "an image",
    "zip": "a zip archive",
}


class EvidenceFiles:
    """Evidence content read during one run, kept so that no file is read twice."""

    def __init__(self) -> None:
        self._cache: dict[tuple[int, str], Any] = {}
        self._opened: set[int] = set()

    @property
    def files_read(self) -> int:
        return len(self._opened)

    def tables(self, item: EvidenceItem) -> tuple[Table, ...]:
        """Every sheet of an Excel workbook, or the one table of a CSV file."""
        return self._once(item, "tables", _read_tables)

    def document_date(self, item: EvidenceItem) -> DocumentDate | None:
        """The date the file records about itself (PDF, Word, Excel), or None."""
        return self._once(item, "date", _read_date)

    def _once(self, item: EvidenceItem, what: str, read: Callable[[EvidenceItem, Path], T]) -> T:
        key = (item.stored_file_id, what)
        if key not in self._cache:
            if not is_readable(item):
                raise UnreadableEvidence(item, "has not passed the file checks, so it was not read")
            self._opened.add(item.stored_file_id)
            try:
                with local_copy(item.stored_file.storage_name) as path:
                    self._cache[key] = read(item, path)
            except UnreadableEvidence as exc:
                self._cache[key] = exc
            except OSError as exc:
                logger.warning("Evidence %s could not be opened: %s", item.public_id, exc)
                self._cache[key] = UnreadableEvidence(item, "could not be opened from storage")
        found = self._cache[key]
        if isinstance(found, UnreadableEvidence):
            raise found
        return found


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat() if cell.time() == dt.time() else cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _table(item: EvidenceItem, name: str, rows) -> Table | None:
    """Headings are the first row (of the first few) with two or more cells filled in."""
    headers: tuple[str, ...] | None = None
    data: list[tuple[str, ...]] = []
    seen = 0
    for raw in rows:
        row = tuple(_text(cell) for cell in raw)
        if not any(row):
            continue
        seen += 1
        if headers is None:
            if sum(1 for cell in row if cell) >= 2:
                headers = row
            elif seen >= HEADER_SEARCH_ROWS:
                return None
            continue
        data.append(row)
        if len(data) > MAX_ROWS:
            raise UnreadableEvidence(
                item, f"has more than {MAX_ROWS:,} rows; the checks read files up to that size"
            )
    if headers is None:
        return None
    return Table(name=name, headers=headers, rows=tuple(data))


def _read_tables(item: EvidenceItem, path: Path) -> tuple[Table, ...]:
    kind = file_kind(item)
    if kind == "csv":
        table = _read_csv(item, path)
        return (table,) if table else ()
    if kind == "xlsx":
        return _read_xlsx(item, path)
    raise UnreadableEvidence(
        item,
        f"is {KIND_NAMES.get(kind, 'a file of another kind')}, not a CSV or Excel (.xlsx) file",
    )


def _read_csv(item: EvidenceItem, path: Path) -> Table | None:
    last_error: Exception | None = None
    for encoding in ("utf-8-sig", "cp1252"):
        reader = None
        try:
            with path.open(encoding=encoding, newline="") as handle:
                sample = handle.read(64 * 1024)
                handle.seek(0)
                try:
                    dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
                except csv.Error:
                    dialect = csv.excel
                reader = csv.reader(
                    handle,
                    delimiter=dialect.delimiter,
                    quotechar='"',
                    doublequote=True,
                    skipinitialspace=True,
                    strict=True,
                )
                return _table(item, "", reader)
        except UnicodeDecodeError as exc:
            last_error = exc
            continue
        except csv.Error as exc:
            line = f" (line {reader.line_num})" if reader is not None and reader.line_num else ""
            raise UnreadableEvidence(item, f"is not valid CSV{line}: {exc}") from exc
    raise UnreadableEvidence(item, "is neither UTF-8 nor Windows-1252 text") from last_error


def _open_workbook(handle, *, data_only: bool = False):
    """openpyxl judges a file by its name's extension; stored names have none, so it is given
    the open file instead."""
    import openpyxl  # loaded by the checks' worker only, not by every web process

    with warnings.catch_warnings():
        # openpyxl warns about features it ignores (data validation, conditional styles...).
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(handle, read_only=True, data_only=data_only, keep_links=False)


def _read_xlsx(item: EvidenceItem, path: Path) -> tuple[Table, ...]:
    with path.open("rb") as handle:
        return _read_sheets(item, handle)


def _read_sheets(item: EvidenceItem, handle) -> tuple[Table, ...]:
    try:
        workbook = _open_workbook(handle, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise UnreadableEvidence(
            item, f"could not be opened as an Excel workbook ({_reason(exc)})"
        ) from exc
    try:
        tables = []
        for sheet in workbook.worksheets:
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()
            table = _table(item, sheet.title, sheet.iter_rows(values_only=True))
            if table is not None:
                tables.append(table)
        return tuple(tables)
    except UnreadableEvidence:
        raise
    except Exception as exc:
        raise UnreadableEvidence(
            item, f"could not be read as an Excel workbook ({_reason(exc)})"
        ) from exc
    finally:
        workbook.close()


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _read_date(item: EvidenceItem, path: Path) -> DocumentDate | None:
    kind = file_kind(item)
    try:
        if kind == "pdf":
            return _pdf_date(path)
        if kind == "xlsx":
            return _xlsx_date(path)
        if kind == "docx":
            return _docx_date(path)
    except Exception as exc:  # damaged metadata: the file is fine, its date is unknown
        logger.info("No date read from evidence %s: %s", item.public_id, exc)
    return None


def _pdf_date(path: Path) -> DocumentDate | None:
    from pypdf import PdfReader  # loaded by the checks' worker only, not by every web process

    metadata = PdfReader(path).metadata
    if metadata is None:
        return None
    for attribute, how in (("creation_date", "created"), ("modification_date", "last modified")):
        try:
            found = _as_date(getattr(metadata, attribute))
        except ValueError:
            found = None
        if found is not None:
            return DocumentDate(found, how)
    return None


def _xlsx_date(path: Path) -> DocumentDate | None:
    with path.open("rb") as handle:
        workbook = _open_workbook(handle)
        try:
            properties = workbook.properties
            for value, how in (
                (properties.modified, "last modified"),
                (properties.created, "created"),
            ):
                found = _as_date(value)
                if found is not None:
                    return DocumentDate(found, how)
            return None
        finally:
            workbook.close()


def _docx_date(path: Path) -> DocumentDate | None:
    with zipfile.ZipFile(path) as archive:
        if "docProps/core.xml" not in archive.namelist():
            return None
        root = parse_part(archive, "docProps/core.xml", max_bytes=1024 * 1024)
    values = {local_name(element.tag): (element.text or "").strip() for element in root}
    for key, how in (("modified", "last modified"), ("created", "created")):
        if values.get(key):
            try:
                return DocumentDate(
                    dt.datetime.fromisoformat(values[key].replace("Z", "+00:00")).date(), how
                )
            except ValueError:
                continue
    return None
