"""/health/ names each dependency's state, with 503 when one the portal needs is down; it
asks for no sign-in and shows no data. Each failure here is a real one: a closed port."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from qualification.outbox import BEAT_TICK_KEY
from qualification.tasks import flush_outbox

pytestmark = pytest.mark.django_db

CLOSED = "127.0.0.1:9"


def health(client):
    response = client.get(reverse("health"))
    return response.status_code, response.json()


def test_everything_up_answers_200_without_signing_in(client, settings):
    flush_outbox()  # beat's sweep ticks

    status, body = health(client)

    assert status == 200 and body["status"] == "ok"
    assert body["dependencies"]["database"]["ok"] and body["dependencies"]["cache"]["ok"]
    if settings.CELERY_BROKER_URL.startswith("redis"):
        assert "default:" in body["dependencies"]["broker"]["detail"]
        assert body["dependencies"]["beat"]["ok"]
    assert client.get(reverse("health-live")).json() == {"status": "ok"}


def test_a_broker_that_does_not_answer_gives_503_and_is_named(client, settings):
    settings.CELERY_BROKER_URL = f"redis://{CLOSED}/0"

    status, body = health(client)

    assert status == 503 and body["status"] == "down"
    assert body["dependencies"]["broker"]["ok"] is False
    assert "Connection" in body["dependencies"]["broker"]["detail"]


def test_a_cache_that_does_not_answer_gives_503_and_is_named(client):
    closed = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://{CLOSED}/0",
        }
    }
    # Put back before the test's own clean-up, which writes to the cache.
    with override_settings(CACHES=closed):
        status, body = health(client)

    assert status == 503 and body["dependencies"]["cache"]["ok"] is False


def test_clamd_and_beat_are_reported_but_do_not_take_the_portal_down(client, settings):
    settings.CLAMAV_URL = f"tcp://{CLOSED}"
    cache.set(BEAT_TICK_KEY, timezone.now() - dt.timedelta(minutes=20), timeout=None)

    status, body = health(client)

    assert body["dependencies"]["clamd"] == {
        "ok": False,
        "required": False,
        "detail": "RuntimeError: no PONG to PING",
    }
    if "beat" in body["dependencies"]:
        assert "last tick 1200 s ago" in body["dependencies"]["beat"]["detail"]
    assert status == 200


@pytest.mark.django_db(transaction=True)
def test_a_database_that_does_not_answer_gives_503_and_is_named(client):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL on a port to close")
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = CLOSED.split(":")[1]
    try:
        status, body = health(client)
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)

    assert status == 503 and body["dependencies"]["database"]["ok"] is False
    assert "OperationalError" in body["dependencies"]["database"]["detail"]
