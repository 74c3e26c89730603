"""An upload whose connection drops half-way leaves nothing attached and no file behind."""

import pytest
from django.urls import reverse

from evidence.models import EvidenceItem, StoredFile

pytestmark = pytest.mark.django_db


BOUNDARY = "----cut-off-upload"


def body(question_id: int, content: bytes) -> bytes:
    def field(name: str, value: str) -> bytes:
        return (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()

    head = (
        field("questions", str(question_id))
        + field("evidence_type", "test_execution_log")
        + field("title", "Execution log")
        + (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="log.csv"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
    )
    return head + content + f"\r\n--{BOUNDARY}--\r\n".encode()


def post(client, participant, raw: bytes):
    return client.generic(
        "POST",
        reverse("evidence-upload", args=[participant.submission.public_id]),
        raw,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        HTTP_ACCEPT="application/json",
    )


@pytest.mark.parametrize("kept", [0.5, 0.99])
def test_an_upload_cut_off_half_way_attaches_nothing(signed_in, supplier, settings, tmp_path, kept):
    settings.MEDIA_ROOT = tmp_path
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path  # spooled to disk, as large files are
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1000
    question = supplier.answer("4.1.5").question_id
    whole = body(question, b"test case,result\n" + b"TC-001,passed\n" * 50_000)
    cut = whole[: int(len(whole) * kept)]  # what arrived before the connection dropped
    response = post(signed_in, supplier, cut)
    assert response.status_code == 400
    assert not EvidenceItem.objects.exists() and not StoredFile.objects.exists()
    left = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert left == [], f"half files left on disk: {left}"
    assert "upload" in response.json()["message"].lower()


def test_the_same_upload_arriving_whole_is_attached(signed_in, supplier, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    question = supplier.answer("4.1.5").question_id
    response = post(signed_in, supplier, body(question, b"test case,result\nTC-001,passed\n"))
    assert response.status_code in (200, 201), response.content
    assert EvidenceItem.objects.get().title == "Execution log"
