"""The personal data check: extract text with locations, run the detectors, mask the values.

Evidence must be obfuscated before upload (PIT Evidence Obfuscation guidance); this check
points at what was missed. It is bounded three ways so a huge or hostile file cannot stall
a worker: a budget of characters of text, a time limit, and a cap on the findings kept
(the total is still counted). When a budget runs out the report says the check was
incomplete and why.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from evidence.scanning.archives import (
    DEFAULT_ARCHIVE_LIMITS,
    ArchiveLimits,
    ArchiveRejected,
    copy_member,
    open_zip,
)
from evidence.scanning.filetypes import sniff_type
from evidence.scanning.names import extension_of, shown
from evidence.scanning.obfuscation.detectors import PersonalDataKind, detect
from evidence.scanning.obfuscation.docx import docx_records
from evidence.scanning.obfuscation.masking import mask
from evidence.scanning.obfuscation.pdf import pdf_records
from evidence.scanning.obfuscation.records import Record
from evidence.scanning.obfuscation.textfiles import csv_records, text_records
from evidence.scanning.obfuscation.xlsx import xlsx_records
from evidence.scanning.ooxml import EXCEL_WORKBOOK, WORD_DOCUMENT
from evidence.scanning.sizes import KIB, MIB
from evidence.scanning.textcodec import UTF8, WINDOWS_1252, text_encoding

logger = logging.getLogger(__name__)

# Zip members whose text is checked (the same formats as single uploads).
TEXT_EXTENSIONS = frozenset({"pdf", "docx", "xlsx", "csv", "txt", "log"})
MAX_NOTES = 20
IMAGES_NOTE = (
    "Images are not checked for personal data: make sure screenshots are redacted before "
    "they are uploaded."
)


@dataclass(frozen=True)
class ScanLimits:
    """Budgets of the personal data check; the defaults are the portal's policy."""

    max_findings: int = 200
    max_text_chars: int = 20_000_000
    max_seconds: float = 120.0
    max_pdf_pages: int = 2_000
    # Largest XML part of a .docx or shared-strings part of an .xlsx that is read.
    max_part_bytes: int = 256 * MIB
    # Largest zip member copied out to have its text checked.
    max_member_bytes: int = 100 * MIB
    max_line_chars: int = 64 * KIB
    archive: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS


DEFAULT_SCAN_LIMITS = ScanLimits()


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: what kind, where, and a masked preview of it."""

    kind: PersonalDataKind
    location: str  # "sheet 'Results', row 14, column C (MPAN)", "page 3", "line 12"
    preview: str  # "13••••••••122": never the whole value


@dataclass(frozen=True)
class PersonalDataReport:
    """`findings` holds at most `ScanLimits.max_findings`; `total` counts them all.
    `complete` is False when part of the file could not be or was not checked, and
    `notes` say which part and why."""

    findings: tuple[Finding, ...]
    total: int
    complete: bool
    notes: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.total > 0


def find_personal_data(
    path: Path, content_type: str, *, limits: ScanLimits = DEFAULT_SCAN_LIMITS
) -> PersonalDataReport:
    """Check a file whose type `sniff_type` accepted (`content_type` is its verdict's).

    A zip's members of the text formats are checked one by one, located as
    `file 'logs/run-1.csv', row 3, column B (email)`; archives inside it are not.
    """
    collector = _Collector(limits)
    _scan(path, content_type, collector)
    return collector.report()


@dataclass
class _Collector:
    limits: ScanLimits
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    total: int = 0
    chars: int = 0
    complete: bool = True
    stopped: bool = False
    deadline: float = 0.0

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.limits.max_seconds

    def note(self, text: str, *, incomplete: bool = True) -> None:
        self.complete = self.complete and not incomplete
        if len(self.notes) < MAX_NOTES and text not in self.notes:
            self.notes.append(text)

    def feed(self, record: Record, prefix: str) -> bool:
        """Check one record; False once a budget has run out and reading should stop."""
        if self.stopped:
            return False
        size = sum(len(cell.text) for cell in record.cells)
        if self.chars + size > self.limits.max_text_chars:
            return self._stop(
                f"Only the first {self.limits.max_text_chars:,} characters of text were checked."
            )
        if time.monotonic() > self.deadline:
            return self._stop(
                f"The check stopped after {self.limits.max_seconds:,.0f} seconds; the rest of "
                "the file was not checked."
            )
        self.chars += size
        for detection in detect(record):
            self.total += 1
            if len(self.findings) < self.limits.max_findings:
                self.findings.append(
                    Finding(
                        detection.kind,
                        prefix + detection.cell.location,
                        mask(detection.kind, detection.value),
                    )
                )
        return True

    def consume(self, records: Iterator[Record], prefix: str, what: str) -> None:
        """Feed every record, turning a reader's failure into a note."""
        try:
            for record in records:
                if not self.feed(record, prefix):
                    break
        except ArchiveRejected as exc:
            self.note(f"{what}: {exc} The rest of it was not checked.")
        except Exception:  # parsers of untrusted files raise all sorts of errors
            logger.warning("personal data check failed on %s", what, exc_info=True)
            self.note(f"{what} could not be read completely, so part of it was not checked.")
        finally:
            close = getattr(records, "close", None)
            if close:
                close()

    def report(self) -> PersonalDataReport:
        if self.total > len(self.findings):
            self.note(
                f"Only the first {len(self.findings):,} of {self.total:,} findings are listed.",
                incomplete=False,
            )
        return PersonalDataReport(
            tuple(self.findings), self.total, self.complete, tuple(self.notes)
        )

    def _stop(self, text: str) -> bool:
        self.stopped = True
        self.note(text)
        return False


def _scan(
    path: Path,
    content_type: str,
    collector: _Collector,
    *,
    prefix: str = "",
    what: str = "The file",
    in_archive: bool = False,
) -> None:
    """Check one file; `prefix` starts its findings' locations, `what` names it in notes."""
    limits = collector.limits
    media_type, _, parameters = content_type.partition(";")
    media_type = media_type.strip().lower()
    records: Iterator[Record]
    if media_type == "application/pdf":
        records = pdf_records(path, max_pages=limits.max_pdf_pages, note=collector.note)
    elif media_type == WORD_DOCUMENT:
        records = docx_records(
            path, archive_limits=limits.archive, max_part_bytes=limits.max_part_bytes
        )
    elif media_type == EXCEL_WORKBOOK:
        records = xlsx_records(
            path,
            archive_limits=limits.archive,
            max_part_bytes=limits.max_part_bytes,
            note=collector.note,
        )
    elif media_type in {"text/csv", "text/plain"}:
        encoding = _encoding(path, parameters)
        reader = csv_records if media_type == "text/csv" else text_records
        records = reader(path, encoding=encoding, max_line_chars=limits.max_line_chars)
    elif media_type == "application/zip" and not in_archive:
        _scan_members(path, collector)
        return
    elif media_type.startswith("image/"):
        collector.note(IMAGES_NOTE, incomplete=False)
        return
    else:
        collector.note(f"{what} is of a type whose text is not checked ({media_type}).")
        return
    collector.consume(records, prefix, what)


def _scan_members(path: Path, collector: _Collector) -> None:
    """Copy each text member of a zip out (within a byte budget) and check it like an upload."""
    limits = collector.limits
    try:
        archive = open_zip(path, limits=limits.archive)
    except ArchiveRejected as exc:
        collector.note(f"The zip could not be opened: {exc}")
        return
    with archive, tempfile.TemporaryDirectory(prefix="evidence-member-") as folder:
        for info in archive.infolist():
            if collector.stopped:
                return
            if info.is_dir():
                continue
            name = shown(info.filename)
            extension = extension_of(info.filename)
            if extension in {"png", "jpg", "jpeg"}:
                collector.note(IMAGES_NOTE, incomplete=False)
                continue
            if extension not in TEXT_EXTENSIONS:
                collector.note(f"'{name}' in the zip is not of a type whose text is checked.")
                continue
            member = Path(folder) / f"member.{extension}"
            try:
                with member.open("wb") as target:
                    copy_member(archive, info, target, max_bytes=limits.max_member_bytes)
            except ArchiveRejected as exc:
                collector.note(f"{exc} It was not checked for personal data.")
                continue
            verdict = sniff_type(member, original_name=info.filename, archive_limits=limits.archive)
            if not verdict.accepted:
                collector.note(f"'{name}' in the zip was not checked: {verdict.reason}")
                continue
            _scan(
                member,
                verdict.content_type,
                collector,
                prefix=f"file '{name}', ",
                what=f"'{name}' in the zip",
                in_archive=True,
            )
            member.unlink()


def _encoding(path: Path, parameters: str) -> str:
    """The codec for a charset parameter from `sniff_type`, or found by reading the file."""
    charset = ""
    for parameter in parameters.split(";"):
        key, _, value = parameter.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if charset in {"utf-8", "utf8"}:
        return UTF8
    if charset in {"windows-1252", "cp1252"}:
        return WINDOWS_1252
    return text_encoding(path).encoding or WINDOWS_1252
