"""Bytes no field may hold: a NUL (PostgreSQL text cannot store one) and text that is not
UTF-8 (it would be stored as replacement characters). Posted to any form of the portal they
are refused with a message and nothing is written; an upload carrying them leaves no file."""

from __future__ import annotations

import hashlib
import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from evidence.models import EvidenceItem, StoredFile
from tests.portal.access_matrix import fingerprint, portal_urls, url_parameters
from tests.portal.test_sections import autosave_url, prefix

pytestmark = pytest.mark.django_db

BAD = {"a NUL byte": b"Title%00with a NUL", "bytes that are not UTF-8": b"Caf%E9 %FF%FE"}
SAMPLE = {"uuid": str(uuid.UUID(int=7)), "int": "1", "str": "3.1", "slug": "bsc", "path": "x"}


def every_form_url() -> list[str]:
    """Every URL of the portal with a value for each of its parameters."""
    urls = []
    for url in portal_urls():
        path = url.route
        for name, converter in url_parameters(url.route).items():
            path = re.sub(rf"<(?:\w+:)?{name}>", SAMPLE.get(converter, "x"), path)
        urls.append("/" + path.lstrip("^").rstrip("$"))
    return sorted(set(urls))


@pytest.mark.parametrize("kind", BAD)
def test_every_form_of_the_portal_refuses_such_text_and_writes_nothing(client, northwind, kind):
    client.force_login(northwind.admin)
    before = fingerprint()
    urls = every_form_url()
    assert len(urls) > 60
    for url in urls:
        body = b"csrfmiddlewaretoken=x&title=" + BAD[kind] + b"&comment=ok"
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400, url
        page = response.content.decode()
        assert "Nothing was saved" in page, url
    assert fingerprint() == before


def test_a_query_string_with_a_nul_byte_is_refused(client, northwind):
    client.force_login(northwind.admin)
    response = client.get(reverse("home") + "?q=a%00b")
    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


@pytest.mark.parametrize("kind", BAD)
def test_an_autosave_of_such_text_is_refused_in_its_status_line_and_the_answer_kept(
    client, northwind, kind
):
    client.force_login(northwind.contributor)
    answer = northwind.answer("3.1")
    p = prefix(northwind, "3.1")
    body = f"{p}-version={answer.version}&{p}-value=".encode() + BAD[kind]
    response = client.post(
        autosave_url(northwind, "3.1"),
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_HX_REQUEST="true",
    )
    assert response["X-Save-Outcome"] == "400"
    assert "Nothing was saved" in response.content.decode()
    after = northwind.answer("3.1")
    assert (after.value, after.version) == (answer.value, answer.version)


def multipart(fields: dict[str, bytes], file_name: str, content: bytes) -> tuple[bytes, str]:
    boundary = "BoUnDaRy" + uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value
            + b"\r\n"
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="{file_name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


RAW = {"a NUL byte": b"Test log\x00 March", "bytes that are not UTF-8": b"Caf\xe9 log \xff"}


def upload_log(participant, *, title: bytes, content: bytes):
    """A test log uploaded for question 4.1 by the contributor, as the page's form posts it
    (a raw multipart body: the test client would encode every field as UTF-8)."""
    client = Client(raise_request_exception=False)
    client.force_login(participant.contributor)
    body, content_type = multipart(
        {
            "questions": str(participant.answer("4.1").question_id).encode(),
            "evidence_type": b"process_document",
            "title": title,
        },
        "log.csv",
        content,
    )
    url = reverse("evidence-upload", args=[participant.submission.public_id])
    return client.post(url, body, content_type=content_type)


def no_file_stored(settings, content: bytes) -> bool:
    media = settings.MEDIA_ROOT
    files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    sha256 = hashlib.sha256(content).hexdigest()
    return not files and not StoredFile.objects.filter(sha256=sha256).exists()


@pytest.mark.parametrize("kind", RAW)
def test_an_upload_whose_title_holds_such_text_is_refused_and_leaves_no_file(
    settings, northwind, kind
):
    content = b"test case,result\nTC-001,passed\n"
    response = upload_log(northwind, title=RAW[kind], content=content)
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert not EvidenceItem.objects.exists()
    assert no_file_stored(settings, content)


@pytest.mark.django_db(transaction=True)  # the upload's own transaction is the outermost
def test_an_upload_whose_record_fails_half_way_leaves_no_file_behind(
    settings, reference_data, northwind
):
    from tests.qad.test_database_unavailable import database_unreachable

    content = b"test case,result\nTC-002,passed\n"
    # The file is stored and its row written; then the database goes before the item is.
    with database_unreachable(from_statement='INSERT INTO "evidence_evidenceitem"'):
        response = upload_log(northwind, title=b"Test log", content=content)
    assert response.status_code == 503
    assert no_file_stored(settings, content)
