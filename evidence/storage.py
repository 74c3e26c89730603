"""Where evidence content lives: Django's default storage (local files, or S3-compatible
object storage when configured), under names we generate, never the uploaded name."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile


def generated_name(sha256: str) -> str:
    return f"evidence/{sha256[:2]}/{sha256[2:4]}/{uuid.uuid4().hex}"


def store(upload: UploadedFile, *, sha256: str) -> str:
    """Save the upload under a generated name. A large upload already streamed to a temporary
    file is moved into place on local storage, or streamed in parts to object storage."""
    upload.seek(0)
    return default_storage.save(generated_name(sha256), upload)


def open_stored(name: str):
    return default_storage.open(name, "rb")


@contextmanager
def local_copy(name: str) -> Iterator[Path]:
    """A path on this machine to the stored content, for the checks that read files."""
    try:
        yield Path(default_storage.path(name))
        return
    except NotImplementedError:
        pass
    with tempfile.NamedTemporaryFile(prefix="evidence-", suffix=".bin") as copy:
        with default_storage.open(name, "rb") as stored:
            shutil.copyfileobj(stored, copy, length=1024 * 1024)
        copy.flush()
        yield Path(copy.name)
