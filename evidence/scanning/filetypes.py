"""Which file types the portal accepts as evidence, and whether an upload really is one.

The extension a participant gives is a claim; the content decides. A file is accepted when
its last extension is on the allow-list below and libmagic finds content of that type.
Office files are confirmed from inside the package (libmagic often says only "zip"), and
text files must decode as UTF-8 or Windows-1252. This module is the one allow-list: forms,
help texts and the download view should use `ACCEPTED_TYPES` rather than their own list.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import magic

from evidence.scanning.archives import (
    DEFAULT_ARCHIVE_LIMITS,
    ArchiveLimits,
    ArchiveRejected,
    open_zip,
)
from evidence.scanning.names import extension_of
from evidence.scanning.ooxml import EXCEL_WORKBOOK, WORD_DOCUMENT, read_office_package
from evidence.scanning.textcodec import text_encoding


class FileKind(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    CSV = "csv"
    TEXT = "text"
    PNG = "png"
    JPEG = "jpeg"
    ZIP = "zip"


@dataclass(frozen=True)
class AcceptedType:
    kind: FileKind
    extensions: tuple[str, ...]
    content_type: str  # what a download is served as (text types add a charset)
    label: str  # for help texts: "Word (.docx)"
    description: str  # for reasons: "a Word document"
    sniffed: frozenset[str]  # libmagic answers that fit this type


_ZIP_LIKE = frozenset({"application/zip", "application/octet-stream"})
ACCEPTED_TYPES: tuple[AcceptedType, ...] = (
    AcceptedType(
        FileKind.PDF, ("pdf",), "application/pdf", "PDF", "a PDF document",
        frozenset({"application/pdf"}),
    ),
    AcceptedType(
        FileKind.DOCX, ("docx",), WORD_DOCUMENT, "Word (.docx)", "a Word document",
        _ZIP_LIKE | {WORD_DOCUMENT},
    ),
    AcceptedType(
        FileKind.XLSX, ("xlsx",), EXCEL_WORKBOOK, "Excel (.xlsx)", "an Excel workbook",
        _ZIP_LIKE | {EXCEL_WORKBOOK},
    ),
    AcceptedType(FileKind.CSV, ("csv",), "text/csv", "CSV", "CSV text", frozenset()),
    AcceptedType(
        FileKind.TEXT, ("txt", "log"), "text/plain", "text (.txt, .log)", "plain text",
        frozenset(),
    ),
    AcceptedType(
        FileKind.PNG, ("png",), "image/png", "PNG", "a PNG image", frozenset({"image/png"})
    ),
    AcceptedType(
        FileKind.JPEG, ("jpg", "jpeg"), "image/jpeg", "JPEG", "a JPEG image",
        frozenset({"image/jpeg"}),
    ),
    AcceptedType(
        FileKind.ZIP, ("zip",), "application/zip", "zip", "a zip archive",
        frozenset({"application/zip"}),
    ),
)  # fmt: skip
BY_EXTENSION: dict[str, AcceptedType] = {
    extension: accepted for accepted in ACCEPTED_TYPES for extension in accepted.extensions
}
ACCEPTED_EXTENSIONS: tuple[str, ...] = tuple(BY_EXTENSION)

# Text that libmagic names after what it looks like (JSON, XML, a C file, a diff): all
# fine as evidence text, since downloads are served as text/plain or text/csv anyway.
# HTML and RTF are refused: they are documents of another kind with the wrong extension.
_TEXT_APPLICATION_TYPES = frozenset(
    {
        "application/json",
        "application/x-ndjson",
        "application/xml",
        "application/csv",
        "message/rfc822",
    }
)
_NOT_TEXT = frozenset({"text/html", "text/rtf"})

# What to call sniffed content in a reason a compliance manager reads.
DESCRIPTIONS: dict[str, str] = {
    "application/pdf": "a PDF document",
    WORD_DOCUMENT: "a Word document",
    EXCEL_WORKBOOK: "an Excel workbook",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "a PowerPoint presentation"
    ),
    "application/msword": "an old-style Word document (.doc)",
    "application/vnd.ms-excel": "an old-style Excel workbook (.xls)",
    "application/vnd.ms-powerpoint": "an old-style PowerPoint file (.ppt)",
    "application/x-ole-storage": "an old-style Office or installer file",
    "application/CDFV2": "an old-style Office or installer file",
    "application/zip": "a zip archive",
    "application/java-archive": "a Java archive",
    "application/gzip": "a gzip archive",
    "application/x-7z-compressed": "a 7-Zip archive",
    "application/x-rar": "a RAR archive",
    "application/vnd.rar": "a RAR archive",
    "application/x-tar": "a tar archive",
    "image/png": "a PNG image",
    "image/jpeg": "a JPEG image",
    "image/gif": "a GIF image",
    "image/bmp": "a BMP image",
    "image/tiff": "a TIFF image",
    "image/webp": "a WebP image",
    "image/svg+xml": "an SVG image (which can carry scripts)",
    "text/html": "a web page (HTML)",
    "application/xhtml+xml": "a web page (XHTML)",
    "text/rtf": "a rich text (RTF) document",
    "text/plain": "plain text",
    "text/csv": "CSV text",
    "text/xml": "XML text",
    "application/json": "JSON text",
    "application/postscript": "a PostScript file",
    "application/x-dosexec": "a Windows executable",
    "application/vnd.microsoft.portable-executable": "a Windows executable",
    "application/x-msdownload": "a Windows executable",
    "application/x-executable": "a Linux executable",
    "application/x-pie-executable": "a Linux executable",
    "application/x-sharedlib": "a Linux executable or library",
    "application/x-mach-binary": "a macOS executable",
    "application/x-shellscript": "a shell script",
    "text/x-shellscript": "a shell script",
    "application/javascript": "a script (JavaScript)",
    "text/javascript": "a script (JavaScript)",
    "application/x-msi": "a Windows installer",
    "application/octet-stream": "data of no recognised type",
}


@dataclass(frozen=True)
class TypeVerdict:
    """Whether a file's type is accepted.

    `content_type` is what the content really is: for an accepted file, the type to serve it
    with (with a charset for text); for a refused one, libmagic's answer. `reason` is a
    sentence a participant or compliance manager can act on ('' when accepted).
    """

    accepted: bool
    content_type: str
    reason: str = ""
    kind: FileKind | None = None


def accepted_types_text() -> str:
    """The accepted types in words, for help texts and reasons."""
    labels = [accepted.label for accepted in ACCEPTED_TYPES]
    return ", ".join(labels[:-1]) + f" or {labels[-1]}"


def sniff_type(
    path: Path, *, original_name: str, archive_limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS
) -> TypeVerdict:
    """Judge a file by its last extension and its content.

    `evil.php.pdf` is judged as a PDF (and refused unless its content is one);
    `x.pdf\\x00.exe` as an `.exe`. Office files have their entry count checked before
    their parts are read; the full archive check is `check_archive`'s job.
    """
    extension = extension_of(original_name)
    accepted = BY_EXTENSION.get(extension)
    if accepted is None:
        named = f"Files ending .{extension} are" if extension else "Files without an extension are"
        return TypeVerdict(
            False, "", f"{named} not accepted. Upload {accepted_types_text()} files."
        )
    if path.stat().st_size == 0:
        return TypeVerdict(False, "application/x-empty", "The file is empty.")
    sniffed = _sniff(path)
    if accepted.kind in {FileKind.DOCX, FileKind.XLSX}:
        return _office_verdict(path, accepted, extension, sniffed, archive_limits)
    if accepted.kind in {FileKind.CSV, FileKind.TEXT}:
        return _text_verdict(path, accepted, extension, sniffed)
    if sniffed not in accepted.sniffed:
        return _mismatch(extension, sniffed)
    return TypeVerdict(True, accepted.content_type, kind=accepted.kind)


def describe(content_type: str) -> str:
    """'a Windows executable' for 'application/x-dosexec', and so on."""
    if content_type in DESCRIPTIONS:
        return DESCRIPTIONS[content_type]
    if content_type.startswith("text/"):
        return "text of another kind"
    return f"a file of type {content_type}"


def _mismatch(extension: str, sniffed: str, description: str | None = None) -> TypeVerdict:
    what = description or describe(sniffed)
    return TypeVerdict(False, sniffed, f"The file is named .{extension} but its content is {what}.")


def _office_verdict(
    path: Path, accepted: AcceptedType, extension: str, sniffed: str, limits: ArchiveLimits
) -> TypeVerdict:
    if sniffed not in accepted.sniffed:
        return _mismatch(extension, sniffed)
    try:
        with open_zip(path, limits=limits) as archive:
            package = read_office_package(archive, max_part_bytes=limits.max_small_part_size)
    except ArchiveRejected as exc:
        return TypeVerdict(
            False, sniffed, f"The file is named .{extension} but it was refused. {exc}"
        )
    if package is None:
        return _mismatch(extension, sniffed, f"not {accepted.description}")
    if package.content_type != accepted.content_type:
        return _mismatch(extension, package.content_type, package.description)
    if package.has_macros:
        return TypeVerdict(
            False,
            package.content_type,
            f"The file is {accepted.description} that contains macros. Save it without macros "
            f"as .{extension} and upload it again.",
        )
    return TypeVerdict(True, accepted.content_type, kind=accepted.kind)


def _text_verdict(path: Path, accepted: AcceptedType, extension: str, sniffed: str) -> TypeVerdict:
    looks_like_text = (
        sniffed.startswith("text/") and sniffed not in _NOT_TEXT
    ) or sniffed in _TEXT_APPLICATION_TYPES
    if not looks_like_text:
        return _mismatch(extension, sniffed)
    encoding = text_encoding(path)
    if encoding.encoding is None:
        return TypeVerdict(
            False, sniffed, f"The file is named .{extension} but {encoding.problem}."
        )
    return TypeVerdict(
        True, f"{accepted.content_type}; charset={encoding.charset}", kind=accepted.kind
    )


_magic_lock = threading.Lock()
_magic: magic.Magic | None = None


def _sniff(path: Path) -> str:
    """libmagic's MIME type for the file's content."""
    global _magic
    with _magic_lock:
        if _magic is None:
            _magic = magic.Magic(mime=True)
        try:
            return _magic.from_file(str(path))
        except magic.MagicException:
            return "application/octet-stream"
