"""All checks on one uploaded file, in the order that keeps the worker safe.

1. type (cheap, and decides which other checks apply);
2. archive structure for zips and Office files (and, for a zip, that every file in it has
   an accepted extension), image size for PNG and JPEG: both from headers, before
   anything is unpacked or decoded;
3. malware, streaming the file to clamd;
4. personal data, parsing the content: only once the file is known not to be malware.

A rejection at any step ends the run. When the scanner cannot be reached the file stays
pending (fail closed) and the run is repeated later; the personal data check waits for it.
Personal data findings do not reject a file: they are shown to the uploader and the
reviewers, who decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from evidence.scanning.archives import (
    DEFAULT_ARCHIVE_LIMITS,
    ArchiveLimits,
    ArchiveVerdict,
    check_archive,
)
from evidence.scanning.clamav import MalwareScanner, MalwareStatus, MalwareVerdict
from evidence.scanning.filetypes import ACCEPTED_EXTENSIONS, FileKind, TypeVerdict, sniff_type
from evidence.scanning.images import DEFAULT_MAX_PIXELS, ImageVerdict, check_image
from evidence.scanning.names import safe_display_name
from evidence.scanning.obfuscation import (
    DEFAULT_SCAN_LIMITS,
    PersonalDataReport,
    ScanLimits,
    find_personal_data,
)

ARCHIVE_KINDS = frozenset({FileKind.ZIP, FileKind.DOCX, FileKind.XLSX})
IMAGE_KINDS = frozenset({FileKind.PNG, FileKind.JPEG})


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PENDING = "pending"  # the malware scanner could not be reached: run the checks again


@dataclass(frozen=True)
class EvidenceLimits:
    archive: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS
    max_pixels: int = DEFAULT_MAX_PIXELS
    personal_data: ScanLimits = DEFAULT_SCAN_LIMITS


@dataclass(frozen=True)
class EvidenceReport:
    """What the checks found. `reasons` explain a rejection or a pending file in words a
    participant can act on; the step verdicts are None for steps that did not run."""

    outcome: Outcome
    display_name: str
    file_type: TypeVerdict
    reasons: tuple[str, ...] = ()
    archive: ArchiveVerdict | None = None
    image: ImageVerdict | None = None
    malware: MalwareVerdict | None = None
    personal_data: PersonalDataReport | None = None


def check_evidence_file(
    path: Path,
    *,
    original_name: str,
    scanner: MalwareScanner,
    limits: EvidenceLimits | None = None,
) -> EvidenceReport:
    """Run every check on the stored upload at `path`, named `original_name` by its sender."""
    limits = limits or EvidenceLimits()
    name = safe_display_name(original_name)
    file_type = sniff_type(path, original_name=original_name, archive_limits=limits.archive)
    if not file_type.accepted:
        return EvidenceReport(Outcome.REJECTED, name, file_type, (file_type.reason,))

    archive = image = None
    if file_type.kind in ARCHIVE_KINDS:
        # A plain zip's files must each be of an accepted type; an Office package's parts
        # are XML the type check has already looked into.
        members = ACCEPTED_EXTENSIONS if file_type.kind == FileKind.ZIP else None
        archive = check_archive(path, limits=limits.archive, member_extensions=members)
        if not archive.accepted:
            return EvidenceReport(
                Outcome.REJECTED, name, file_type, archive.problems, archive=archive
            )
    if file_type.kind in IMAGE_KINDS:
        image = check_image(path, content_type=file_type.content_type, max_pixels=limits.max_pixels)
        if not image.accepted:
            return EvidenceReport(Outcome.REJECTED, name, file_type, (image.reason,), image=image)

    with path.open("rb") as stream:
        malware = scanner.scan(stream)
    steps = {"archive": archive, "image": image, "malware": malware}
    if malware.rejected:
        return EvidenceReport(Outcome.REJECTED, name, file_type, (malware.reason,), **steps)
    if malware.status == MalwareStatus.UNAVAILABLE:
        return EvidenceReport(Outcome.PENDING, name, file_type, (malware.reason,), **steps)

    personal_data = find_personal_data(path, file_type.content_type, limits=limits.personal_data)
    return EvidenceReport(Outcome.ACCEPTED, name, file_type, personal_data=personal_data, **steps)
