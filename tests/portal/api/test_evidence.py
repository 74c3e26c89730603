"""Evidence through the API: uploaded into the page's checks (202 until they have run),
downloaded only once they pass, linked to more questions, each change audited via the token."""

from __future__ import annotations

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from evidence.models import EvidenceItem, StoredFile
from qualification.models import AuditEvent
from tests.evidence.scanning.files import EICAR
from tests.portal.api.conftest import api_for

pytestmark = pytest.mark.django_db

RUN_BOOK = b"Settlement run book: daily checks of the DIP message queues.\n"


def _upload(api, participant, content=RUN_BOOK, *, name="run-book.txt", questions="3.1"):
    url = reverse("api-submission-evidence", kwargs={"public_id": participant.submission.public_id})
    return api.client.post(
        url,
        {
            "file": SimpleUploadedFile(name, content),
            "evidence_type": "process_document",
            "questions": questions,
            "title": "Run book",
        },
        headers={"Authorization": f"Bearer {api.secret}"},
    )


def test_an_upload_is_checked_like_the_pages_then_served(client, northwind):
    api = api_for(client, northwind.contributor, name="Evidence sync")
    with TestCase.captureOnCommitCallbacks(execute=True):  # the checks run once committed
        response = _upload(api, northwind)

    assert response.status_code == 202, response.content
    assert response.json()["questions"] == ["3.1"]
    state = api.get(response["Location"]).json()
    assert state["state"] == "clean"
    download = api.get(state["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == RUN_BOOK
    event = AuditEvent.objects.get(kind="evidence.uploaded")
    assert (event.actor, event.via) == (northwind.contributor, "API token “Evidence sync”")


def test_a_file_still_being_checked_is_not_served(client, northwind):
    api = api_for(client, northwind.contributor)
    response = _upload(api, northwind)  # its checks are not run: still pending

    assert response.json()["state"] == "pending"
    assert response.json()["download"] is None
    item = EvidenceItem.objects.get()
    url = reverse("api-evidence-download", kwargs={"public_id": item.public_id})
    assert api.get(url).status_code == 409


def test_eicar_uploaded_through_the_api_is_rejected_and_never_served(client, northwind, settings):
    if not os.environ.get("CLAMAV_URL"):
        pytest.skip("needs CLAMAV_URL: a real clamd with the test EICAR signature (.ci/run)")
    settings.CLAMAV_URL = os.environ["CLAMAV_URL"]
    api = api_for(client, northwind.contributor)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = _upload(api, northwind, EICAR, name="eicar.txt")

    assert response.status_code == 202
    state = api.get(response["Location"]).json()
    assert state["state"] == "rejected"
    assert state["download"] is None
    item = EvidenceItem.objects.get()
    assert item.stored_file.quarantined
    url = reverse("api-evidence-download", kwargs={"public_id": item.public_id})
    assert api.get(url).status_code == 404


def test_a_file_over_the_limit_is_refused_before_it_is_stored(client, northwind, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    api = api_for(client, northwind.contributor)

    response = _upload(api, northwind, b"x" * 200_000)

    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    assert not StoredFile.objects.exists()


def test_an_upload_names_questions_of_the_qad(client, northwind):
    api = api_for(client, northwind.contributor)

    response = _upload(api, northwind, questions="3.1,9.9")

    assert response.status_code == 400
    assert "9.9" in response.json()["detail"]
    assert not EvidenceItem.objects.exists()


def test_a_file_is_linked_to_more_questions(client, northwind):
    api = api_for(client, northwind.contributor)
    location = _upload(api, northwind)["Location"]
    item = EvidenceItem.objects.get()
    url = reverse("api-evidence-questions", kwargs={"public_id": item.public_id})

    response = client.post(
        url,
        {"questions": ["3.2", "4.4"]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.secret}"},
    )

    assert response.status_code == 200, response.content
    assert api.get(location).json()["questions"] == ["3.1", "3.2", "4.4"]
    listed = api.get(
        reverse("api-submission-evidence", kwargs={"public_id": northwind.submission.public_id})
    ).json()["results"]
    assert [(f["title"], f["questions"]) for f in listed] == [("Run book", ["3.1", "3.2", "4.4"])]
    assert AuditEvent.objects.filter(kind="evidence.changed").get().via.startswith("API token")


@pytest.mark.parametrize("files", [1, 4])
def test_the_list_costs_the_same_queries_whatever_its_files(
    client, northwind, django_assert_num_queries, files
):
    api = api_for(client, northwind.contributor)
    for number in range(files):
        _upload(api, northwind, RUN_BOOK + bytes(str(number), "ascii"), name=f"book-{number}.txt")
    url = reverse("api-submission-evidence", kwargs={"public_id": northwind.submission.public_id})
    # The token, the QAD with its access check, its revision, the page of files, their
    # questions.
    with django_assert_num_queries(6):
        listed = api.get(url).json()["results"]
    assert len(listed) == files
