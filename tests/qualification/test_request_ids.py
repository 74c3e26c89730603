"""Every request gets an id: on its response, on each log line it causes, and on the Celery
tasks it sends; log lines are JSON on demand; errors go to Sentry when it is configured."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from qualification.request_ids import (
    JsonFormatter,
    RequestIdFilter,
    RequestIdMiddleware,
    add_to_task_headers,
    current,
)


def handled(meta: dict | None = None, headers: dict | None = None):
    """A request through the middleware; what its view logged, and the response."""
    records = []
    handler = logging.Handler()
    handler.addFilter(RequestIdFilter())
    handler.emit = records.append
    logger = logging.getLogger("qad.test-request-ids")
    logger.addHandler(handler)

    def view(request):
        logger.warning("saving an answer")
        return HttpResponse("ok")

    try:
        request = RequestFactory().get("/", headers=headers or {}, **(meta or {}))
        response = RequestIdMiddleware(view)(request)
    finally:
        logger.removeHandler(handler)
    return records, response


def test_each_request_has_an_id_on_its_response_and_its_log_lines():
    (record,), response = handled()
    assert len(response["X-Request-ID"]) == 32
    assert record.request_id == response["X-Request-ID"]
    assert current.get() == "", "nothing left behind for the next request"


def test_an_id_from_the_trusted_proxy_is_kept_and_one_from_anyone_else_replaced(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    _, proxied = handled({"REMOTE_ADDR": "10.0.0.5"}, {"X-Request-ID": "lb-7f3a9c21"})
    _, forged = handled({"REMOTE_ADDR": "203.0.113.9"}, {"X-Request-ID": "lb-7f3a9c21"})
    assert proxied["X-Request-ID"] == "lb-7f3a9c21"
    assert forged["X-Request-ID"] != "lb-7f3a9c21"


def test_a_task_sent_during_a_request_carries_its_id():
    token = current.set("abc123def456")
    try:
        headers: dict = {}
        add_to_task_headers(headers=headers)
    finally:
        current.reset(token)
    assert headers == {"request_id": "abc123def456"}


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord("qad", logging.ERROR, __file__, 1, "refused %s", ("x",), None)
    record.request_id = "abc123def456"

    line = json.loads(JsonFormatter().format(record))

    assert (line["level"], line["message"], line["request_id"]) == (
        "ERROR",
        "refused x",
        "abc123def456",
    )


@pytest.mark.parametrize("dsn, active", [("", False), ("https://key@sentry.invalid/1", True)])
def test_sentry_is_on_only_when_a_dsn_is_given(dsn, active):
    environment = {**os.environ, "SENTRY_DSN": dsn, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); import sentry_sdk; "
            "print(sentry_sdk.get_client().is_active())",
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert found.stdout.strip().splitlines()[-1] == str(active)
