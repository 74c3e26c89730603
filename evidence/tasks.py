"""Checking evidence content in a worker: fetch by id, run the checks, record the result."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from evidence.enums import ScanState
from evidence.models import StoredFile
from evidence.scanning import Outcome, check_evidence_file, configured_scanner
from evidence.services import stored_file_record_checks
from evidence.storage import local_copy

RETRY_SECONDS = 120


@shared_task(name="qad.evidence.scan", bind=True, max_retries=None)
def scan_stored_file(self, *, stored_file_id: int) -> str:
    """Run every check on one stored file. Safe to run twice: a file that is no longer
    pending is left alone. A scanner that cannot be reached leaves the file pending (fail
    closed) and the check is tried again later."""
    stored = StoredFile.objects.filter(pk=stored_file_id, scan_state=ScanState.PENDING).first()
    if stored is None:
        return "already checked"
    item = stored.items.order_by("uploaded_at").first()
    original_name = item.original_name if item else "upload.bin"
    with local_copy(stored.storage_name) as path:
        report = check_evidence_file(
            path, original_name=original_name, scanner=configured_scanner()
        )
    stored_file_record_checks(stored=stored, report=report)
    if report.outcome == Outcome.PENDING and not self.request.is_eager:
        # Run in the web process (no broker), a retry would block the request: the
        # periodic sweep tries again instead.
        raise self.retry(countdown=RETRY_SECONDS)
    return str(report.outcome)


@shared_task(name="qad.evidence.rescan_pending")
def rescan_pending() -> int:
    """The sweep: files still pending a while after upload (a lost task, a broker that was
    down, a scanner that was unreachable) are checked again."""
    cutoff = timezone.now() - dt.timedelta(seconds=RETRY_SECONDS)
    pending = StoredFile.objects.filter(scan_state=ScanState.PENDING, created_at__lt=cutoff)
    count = 0
    for stored_file_id in pending.values_list("pk", flat=True):
        scan_stored_file.apply_async(kwargs={"stored_file_id": stored_file_id})
        count += 1
    return count
