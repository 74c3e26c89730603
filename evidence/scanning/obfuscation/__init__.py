"""The personal data check (PIT Evidence Obfuscation): see `scan.find_personal_data`."""

from evidence.scanning.obfuscation.detectors import PersonalDataKind
from evidence.scanning.obfuscation.scan import (
    DEFAULT_SCAN_LIMITS,
    Finding,
    PersonalDataReport,
    ScanLimits,
    find_personal_data,
)

__all__ = [
    "DEFAULT_SCAN_LIMITS",
    "Finding",
    "PersonalDataKind",
    "PersonalDataReport",
    "ScanLimits",
    "find_personal_data",
]
