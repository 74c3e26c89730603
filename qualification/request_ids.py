"""One id per request, on every log line it causes, in its response's X-Request-ID header,
and carried to the Celery tasks it sends, so that the work a click started can be followed
through the web process and the workers. Log lines are JSON with LOG_FORMAT=json."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid

from django.http import HttpRequest

from qualification.client_address import is_trusted_proxy

HEADER = "X-Request-ID"
# An id from a trusted proxy is kept when it looks like one; anything else is replaced.
_SAFE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        given = request.headers.get(HEADER, "")
        trusted = is_trusted_proxy(request.META.get("REMOTE_ADDR", ""))
        request_id = given if trusted and _SAFE.match(given) else uuid.uuid4().hex
        token = current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Gives every record the id of the request (or task) it belongs to, "-" outside one."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


# -- carried to Celery: connected in portal/celery.py


def add_to_task_headers(headers: dict | None = None, **kwargs) -> None:
    """before_task_publish: a task sent while handling a request carries its id."""
    if headers is not None and current.get():
        headers.setdefault("request_id", current.get())


def take_from_task(task=None, **kwargs) -> None:
    """task_prerun: the task's log lines carry the id of the request that sent it."""
    request_id = getattr(task.request, "request_id", None) if task is not None else None
    task.request.request_id_token = current.set(request_id or "")


def forget_after_task(task=None, **kwargs) -> None:
    token = getattr(task.request, "request_id_token", None) if task is not None else None
    if token is not None:
        current.reset(token)
