"""Receiving evidence uploads: every file is hashed and counted as it streams in, and one
over the size limit is stopped, so nothing large is ever held in memory or read twice."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


@dataclass
class ReceivedFile:
    field_name: str
    file_name: str
    sha256: str
    size: int


class EvidenceUploadHandler(FileUploadHandler):
    """Goes first in the handler chain: passes every chunk on unchanged to Django's own
    handlers (memory for small files, a temporary file for large ones)."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = settings.EVIDENCE_MAX_BYTES
        self.received: list[ReceivedFile] = []
        request.evidence_received = self.received

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.hasher = hashlib.sha256()
        self.size = 0

    def receive_data_chunk(self, raw_data, start):
        self.size += len(raw_data)
        if self.size > self.limit:
            # The browser checked the size first; only a client that ignored it gets here.
            raise StopUpload(connection_reset=True)
        self.hasher.update(raw_data)
        return raw_data

    def file_complete(self, file_size):
        self.received.append(
            ReceivedFile(self.field_name, self.file_name, self.hasher.hexdigest(), self.size)
        )
        return None  # the next handler builds the file object


def digests_for(request, field_name: str) -> list[ReceivedFile]:
    """The hashes of the files of one field, in the order of request.FILES.getlist()."""
    return [r for r in getattr(request, "evidence_received", []) if r.field_name == field_name]
