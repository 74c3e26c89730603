"""Redis stops in the middle of a working day: people still sign in, read their pages and
autosave; the follow-up work of a submission made meanwhile waits in the outbox and is done
by a real worker once Redis is back."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from assessment.enums import CheckRunStatus
from assessment.models import CheckRun
from qad.enums import SubmissionState
from qualification.models import OutboxMessage
from qualification.outbox import outbox_flush
from tests.integration.conftest import private_broker, wait_for  # noqa: F401 (a fixture)
from tests.participants import Participant
from tests.portal.test_sections import autosave_url, prefix, section_url
from tests.qad.test_submit_and_sign import COMPLETE, fill
from tests.qualification.factories import PASSWORD

pytestmark = pytest.mark.integration


def sign_in(person) -> Client:
    client = Client(raise_request_exception=False)
    response = client.post(reverse("login"), {"username": person.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def autosave(client: Client, participant, ref: str, value: str):
    answer = participant.answer(ref)
    return client.post(
        autosave_url(participant, ref),
        {
            f"{prefix(participant, ref)}-version": answer.version,
            f"{prefix(participant, ref)}-value": value,
        },
        HTTP_HX_REQUEST="true",
    )


def test_without_redis_people_sign_in_read_and_save_and_follow_ups_wait_for_it(
    private_broker,  # noqa: F811
    settings,
    reference_data,
    journey_template,
):
    redis, worker = private_broker
    settings.CACHES = {
        "default": {
            "BACKEND": "qualification.redis_cache.RedisCache",
            "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    participant = Participant()
    fill(participant, {ref: v for ref, v in COMPLETE.items() if ref != "3.1"})
    olivia = sign_in(participant.admin)
    assert olivia.get(section_url(participant, "3")).status_code == 200

    redis.stop()

    ben = sign_in(participant.contributor)  # signing in needs no Redis
    for client in (olivia, ben):
        page = client.get(section_url(participant, "3"))
        assert page.status_code == 200
        assert "Northwind Energy Supply Ltd" in page.content.decode()
        assert client.get(reverse("home")).status_code == 200
    saved = autosave(ben, participant, "3.1", "Typed while Redis was down.")
    assert saved.status_code == 200 and "X-Save-Outcome" not in saved
    assert "Saved at" in saved.content.decode()
    assert participant.answer("3.1").value == "Typed while Redis was down."

    OutboxMessage.objects.all().delete()  # only what the submission leaves
    submitted = olivia.post(
        reverse("submission-submit", args=[participant.submission.public_id]), {"revision": 1}
    )
    assert submitted.status_code == 302
    participant.submission.refresh_from_db()
    assert participant.submission.state == SubmissionState.SUBMITTED
    waiting = OutboxMessage.objects.filter(sent_at__isnull=True)
    assert "qad.assessment.run_checks" in {m.task_name for m in waiting}
    assert not CheckRun.objects.exists()

    redis.start()
    assert outbox_flush() == waiting.count()  # beat's sweep, once a minute
    wait_for(
        lambda: CheckRun.objects.filter(
            revision=participant.revision, status=CheckRunStatus.COMPLETE
        ).exists(),
        timeout=120,
        interval=0.5,
        worker=worker,
    )
    assert olivia.get(section_url(participant, "3")).status_code == 200
