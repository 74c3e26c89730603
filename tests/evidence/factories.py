"""Evidence as the portal stores it: real file content in the evidence storage, with the
state the upload checks left it in."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.enums import MalwareState, ScanState
from evidence.models import EvidenceItem, EvidenceLink, EvidencePack, StoredFile
from evidence.storage import store

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
}


def stored_file(
    content: bytes,
    *,
    name: str,
    scan_state: str = ScanState.CLEAN,
    malware_state: str = MalwareState.CLEAN,
    findings_total: int = 0,
    reasons: list[str] | None = None,
) -> StoredFile:
    sha256 = hashlib.sha256(content).hexdigest()
    existing = StoredFile.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    extension = name.rsplit(".", 1)[-1].lower()
    return StoredFile.objects.create(
        sha256=sha256,
        size=len(content),
        storage_name=store(SimpleUploadedFile(name, content), sha256=sha256),
        content_type=CONTENT_TYPES.get(extension, "application/octet-stream"),
        scan_state=scan_state,
        malware_state=malware_state,
        findings_total=findings_total,
        findings=[{"kind": "email", "label": "Email", "location": "row 2", "preview": "j***"}]
        * findings_total,
        reasons=reasons or [],
    )


def evidence_item(
    content: bytes | Path,
    *,
    name: str,
    evidence_type: str,
    organisation,
    uploaded_by,
    title: str = "",
    submission=None,
    pack: EvidencePack | None = None,
    justification: str = "",
    **file_state,
) -> EvidenceItem:
    data = content.read_bytes() if isinstance(content, Path) else content
    return EvidenceItem.objects.create(
        organisation=organisation,
        submission=submission,
        pack=pack,
        stored_file=stored_file(data, name=name, **file_state),
        title=title or name,
        evidence_type=evidence_type,
        original_name=name,
        uploaded_by=uploaded_by,
        findings_justification=justification,
    )


def attach(
    participant,
    ref: str,
    content: bytes | Path,
    *,
    name: str,
    evidence_type: str,
    title: str = "",
    item: EvidenceItem | None = None,
    relied_on: bool = False,
    statement: str = "",
    **file_state,
) -> EvidenceItem:
    """Store a file (or take `item`) and link it to question `ref` of the participant's
    current revision."""
    if item is None:
        item = evidence_item(
            content,
            name=name,
            evidence_type=evidence_type,
            title=title,
            organisation=participant.organisation,
            submission=participant.submission,
            uploaded_by=participant.contributor,
            **file_state,
        )
    link(
        participant.revision,
        ref,
        item,
        by=participant.contributor,
        relied_on=relied_on,
        statement=statement,
    )
    return item


def link(
    revision, ref: str, item: EvidenceItem, *, by, relied_on: bool = False, statement: str = ""
) -> EvidenceLink:
    return EvidenceLink.objects.create(
        revision=revision,
        question=revision.answers.get(question__ref=ref).question,
        item=item,
        relied_on=relied_on,
        reliance_statement=statement,
        linked_by=by,
    )
