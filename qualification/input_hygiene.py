"""Text no field may hold, refused in one place before anything reads it.

A NUL byte cannot be stored in PostgreSQL text, and bytes that are not UTF-8 would be stored
as replacement characters: either way what the person sent would not be what is kept. So a
request carrying one is refused whole, with a message, and nothing of it is written.

- `InputHygieneMiddleware` checks the query string and a form-encoded body as bytes, before
  any view, and a multipart body's fields once Django has parsed them (for the views that
  parse their own uploads, after their upload handlers are in place: `refuses_unreadable_text`).
- Multipart fields arrive decoded, with the bytes that were not UTF-8 already replaced by
  U+FFFD; a field holding one is refused as well.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import gettext as _

from qualification.redirects import local_target

logger = logging.getLogger(__name__)

NUL = "nul"
NOT_UTF8 = "not-utf-8"
FORM_ENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"


def unreadable_bytes(encoded: bytes) -> str | None:
    """NUL or NOT_UTF8 for a query string or form-encoded body holding such text; None if
    every name and value is readable."""
    for pair in encoded.split(b"&"):
        for piece in pair.split(b"=", 1):
            raw = unquote_to_bytes(piece.replace(b"+", b" "))
            if b"\x00" in raw:
                return NUL
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return NOT_UTF8
    return None


def unreadable_text(values: Iterable[str]) -> str | None:
    """NUL or NOT_UTF8 for decoded values holding such text (U+FFFD stands for bytes that
    were not UTF-8); None if every value is readable."""
    for value in values:
        if "\x00" in value:
            return NUL
        if "\ufffd" in value:
            return NOT_UTF8
    return None


def multipart_problem(request: HttpRequest) -> str | None:
    """NUL or NOT_UTF8 for a parsed multipart request holding such text in a field or a file
    name; None if all of it is readable."""
    names = [f.name or "" for key in request.FILES for f in request.FILES.getlist(key)]
    fields = [v for key in request.POST for v in [key, *request.POST.getlist(key)]]
    return unreadable_text([*fields, *names])


def refusal(request: HttpRequest, problem: str) -> HttpResponse:
    """What the person is told: which kind of text, and that nothing was saved."""
    if problem == NUL:
        message = _(
            "Nothing was saved: what you sent contains a NUL character (often pasted from "
            "another program), which cannot be stored. Remove it and try again."
        )
    else:
        message = _(
            "Nothing was saved: what you sent contains text that is not valid UTF-8 (often "
            "pasted from another program), which cannot be stored as you typed it. Retype "
            "or paste it again as plain text and try again."
        )
    logger.info("%s %s refused: %s", request.method, request.path, problem)
    if request.headers.get("HX-Request"):
        # An autosave: the status line beside the answer says it; the text stays typed.
        kept = _("Not saved: what you typed is still in the box.")
        response = HttpResponse(
            f'<div class="text-danger" role="alert">{escape(kept)} {escape(message)}</div>',
            status=200,
        )
        response["X-Save-Outcome"] = "400"
        return response
    back = local_target(request, request.headers.get("Referer"), "")
    page = render_to_string("400.html", {"message": message, "back": back})
    return HttpResponse(page, status=400)


def _content_type(request: HttpRequest) -> str:
    return request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()


class InputHygieneMiddleware:
    """Placed after CsrfViewMiddleware: its `process_view` sees a multipart body that the CSRF
    check has already parsed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        problem = unreadable_bytes(query.encode("latin-1", "replace")) if query else None
        if problem is None and _content_type(request) == FORM_ENCODED:
            problem = unreadable_bytes(request.body)
        if problem is not None:
            return refusal(request, problem)
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if _content_type(request) != MULTIPART or getattr(view_func, "csrf_exempt", False):
            # A view exempt from the CSRF middleware parses its own upload, with its own
            # handlers, and checks it with `refuses_unreadable_text`.
            return None
        problem = multipart_problem(request)
        return refusal(request, problem) if problem else None


def refuses_unreadable_text(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a view that parses its own upload: refuse it once parsed, before anything is
    stored."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        problem = multipart_problem(request)
        if problem:
            return refusal(request, problem)
        return view(request, *args, **kwargs)

    return checked
