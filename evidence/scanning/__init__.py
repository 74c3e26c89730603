"""Checks on an uploaded evidence file before it counts as accepted.

Pure functions over a file on disk, with no models, views or tasks: the upload flow and
its Celery task call them. `check_evidence_file` runs them all in order; each is usable on
its own. Limits, defaults and the reasons people see are documented in
docs/evidence-checks.md.
"""

from evidence.scanning.archives import (
    ArchiveLimits,
    ArchiveRejected,
    ArchiveVerdict,
    check_archive,
    copy_member,
    open_zip,
    read_member,
)
from evidence.scanning.clamav import (
    ClamdScanner,
    MalwareScanner,
    MalwareStatus,
    MalwareVerdict,
    NoScanner,
    configured_scanner,
    scanner_from_url,
)
from evidence.scanning.filetypes import (
    ACCEPTED_EXTENSIONS,
    ACCEPTED_TYPES,
    FileKind,
    TypeVerdict,
    accepted_types_text,
    sniff_type,
)
from evidence.scanning.images import ImageVerdict, check_image
from evidence.scanning.mpan import is_valid_mpan, mpan_check_digit
from evidence.scanning.names import extension_of, safe_display_name
from evidence.scanning.obfuscation import (
    Finding,
    PersonalDataKind,
    PersonalDataReport,
    ScanLimits,
    find_personal_data,
)
from evidence.scanning.pipeline import (
    EvidenceLimits,
    EvidenceReport,
    Outcome,
    check_evidence_file,
)

__all__ = [
    "ACCEPTED_EXTENSIONS",
    "ACCEPTED_TYPES",
    "ArchiveLimits",
    "ArchiveRejected",
    "ArchiveVerdict",
    "ClamdScanner",
    "EvidenceLimits",
    "EvidenceReport",
    "FileKind",
    "Finding",
    "ImageVerdict",
    "MalwareScanner",
    "MalwareStatus",
    "MalwareVerdict",
    "NoScanner",
    "Outcome",
    "PersonalDataKind",
    "PersonalDataReport",
    "ScanLimits",
    "TypeVerdict",
    "accepted_types_text",
    "check_archive",
    "check_evidence_file",
    "check_image",
    "configured_scanner",
    "copy_member",
    "extension_of",
    "find_personal_data",
    "is_valid_mpan",
    "mpan_check_digit",
    "open_zip",
    "read_member",
    "safe_display_name",
    "scanner_from_url",
    "sniff_type",
]
