"""What an Office Open XML package really is (Word, Excel, PowerPoint, with or without macros).

libmagic calls many .docx and .xlsx files just "application/zip", so the type is confirmed
from inside: `_rels/.rels` names the main part, and `[Content_Types].xml` gives that part's
content type, which differs between a document, a template and a macro-enabled file. Both
are small parts, read within a byte budget.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass

from evidence.scanning.xmlparts import local_name, parse_part

WORD_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXCEL_WORKBOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
POWERPOINT = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
VBA_PROJECT = "application/vnd.ms-office.vbaProject"
_OPENXML = "application/vnd.openxmlformats-officedocument"

# Main part content type -> (package content type, what to call it in a message).
MAIN_PARTS: dict[str, tuple[str, str]] = {
    f"{WORD_DOCUMENT}.main+xml": (WORD_DOCUMENT, "a Word document"),
    f"{_OPENXML}.wordprocessingml.template.main+xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template",
        "a Word template (.dotx)",
    ),
    "application/vnd.ms-word.document.macroEnabled.main+xml": (
        "application/vnd.ms-word.document.macroEnabled.12",
        "a macro-enabled Word document (.docm)",
    ),
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": (
        "application/vnd.ms-word.template.macroEnabled.12",
        "a macro-enabled Word template (.dotm)",
    ),
    f"{EXCEL_WORKBOOK}.main+xml": (EXCEL_WORKBOOK, "an Excel workbook"),
    f"{_OPENXML}.spreadsheetml.template.main+xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.template",
        "an Excel template (.xltx)",
    ),
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": (
        "application/vnd.ms-excel.sheet.macroEnabled.12",
        "a macro-enabled Excel workbook (.xlsm)",
    ),
    "application/vnd.ms-excel.template.macroEnabled.main+xml": (
        "application/vnd.ms-excel.template.macroEnabled.12",
        "a macro-enabled Excel template (.xltm)",
    ),
    "application/vnd.ms-excel.sheet.binary.macroEnabled.main": (
        "application/vnd.ms-excel.sheet.binary.macroEnabled.12",
        "a binary Excel workbook (.xlsb)",
    ),
    f"{POWERPOINT}.main+xml": (POWERPOINT, "a PowerPoint presentation"),
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": (
        "application/vnd.ms-powerpoint.presentation.macroEnabled.12",
        "a macro-enabled PowerPoint presentation (.pptm)",
    ),
}


@dataclass(frozen=True)
class OfficePackage:
    """The package's own content type (e.g. WORD_DOCUMENT), a description, and whether
    it carries a VBA project (macros) whatever its main part says."""

    content_type: str
    description: str
    has_macros: bool


def read_office_package(archive: zipfile.ZipFile, *, max_part_bytes: int) -> OfficePackage | None:
    """The Office package type of `archive`, or None when it is not an OOXML package.

    Raises `ArchiveRejected` (or its `UnsafeXml`) when a part is too big, damaged or
    declares a DTD.
    """
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names or "_rels/.rels" not in names:
        return None
    types = parse_part(archive, "[Content_Types].xml", max_bytes=max_part_bytes)
    relationships = parse_part(archive, "_rels/.rels", max_bytes=max_part_bytes)

    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for element in types:
        kind = local_name(element.tag)
        if kind == "Default":
            defaults[element.get("Extension", "").lower()] = element.get("ContentType", "")
        elif kind == "Override":
            overrides[element.get("PartName", "").lower()] = element.get("ContentType", "")
    has_macros = VBA_PROJECT in (*defaults.values(), *overrides.values()) or any(
        posixpath.basename(name).lower() == "vbaproject.bin" for name in names
    )

    main_part = next(
        (
            element.get("Target", "")
            for element in relationships
            if local_name(element.tag) == "Relationship"
            and element.get("Type", "").endswith("/officeDocument")
        ),
        None,
    )
    if not main_part:
        return None
    part_name = "/" + posixpath.normpath(main_part.lstrip("/")).lower()
    extension = part_name.rpartition(".")[2]
    main_type = overrides.get(part_name) or defaults.get(extension, "")
    if main_type not in MAIN_PARTS:
        return None
    content_type, description = MAIN_PARTS[main_type]
    return OfficePackage(content_type, description, has_macros)
