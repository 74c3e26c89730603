"""Pages drawn once for each state of what they show, and served from the cache until it changes.

The busiest pages (a QAD section, the evidence register, the review screen, the work queue,
the programme dashboard, the participant's home) are read far more often than what they show
changes, and drawing them costs far more than reading them back. Each such page is kept as
drawn in the Django cache, keyed by everything it depends on:

- the *generations* of the data it shows: one value per organisation (its qualifications,
  submissions, answers, evidence, reviews, clarifications and check runs), one for the
  programme (what the queue, the dashboard and the export list across organisations) and one
  for the directory (people, organisations, roles, waves, qualifications). Any save or
  deletion of a model the page shows replaces the generation of its scope (`page_changes`),
  so the next read draws the page afresh; the published versions' own generation
  (`qad.published`) is part of every key too;
- the reader (their id and access version: rights are part of what a page shows), the URL
  with its query, the language, today's date (due dates, working days) and, for pages that
  say how long ago something happened, the minute;
- the code that draws it: a digest of the portal's templates and Python source, so a new
  release never serves a body an older one drew.

What is per request is not kept: the messages shown once to the reader are drawn into the page
as it is served, and so is the reader's CSRF token.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from functools import cache as once
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation

from qad.published import GENERATION_KEY as PUBLISHED_VERSIONS_KEY

MESSAGES_START = "<!--page-messages-->"
MESSAGES_END = "<!--/page-messages-->"
# What a cached page holds where the reader's CSRF token goes.
CSRF_PLACEHOLDER = "csrf-token-of-this-request-0f3a9c"
TIMEOUT = 30 * 60
NAMESPACE_KEY = "page:namespace"

T = TypeVar("T")
logger = logging.getLogger(__name__)
# A change this process could not record (the cache did not answer): once the cache answers
# again, every page is drawn afresh, as a page drawn before the change may still be there.
_change_missed = False

PROGRAMME = "programme"
DIRECTORY = "directory"


def organisation_scope(organisation_id: int) -> str:
    return f"organisation:{organisation_id}"


def organisation_pages(organisation_id: int) -> list[str]:
    """The scopes of a page about one organisation's QAD."""
    return [organisation_scope(organisation_id), DIRECTORY]


def programme_pages() -> list[str]:
    """The scopes of a page listing across organisations."""
    return [PROGRAMME, DIRECTORY]


def _generation_key(scope: str) -> str:
    return f"page:generation:{scope}"


def _generations(scopes: list[str]) -> list[str]:
    """The current generation of each scope, of the published versions and of the namespace,
    in one read of the cache; each made on first read."""
    keys = [NAMESPACE_KEY, PUBLISHED_VERSIONS_KEY, *(_generation_key(s) for s in scopes)]
    _forget_all_if_a_change_was_missed()
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # First read, or the cache lost it: any new value makes earlier pages unreachable.
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key)
    return [str(found[key]) for key in keys]


def scopes_changed(scopes: Iterable[str]) -> None:
    """Every page that shows these scopes is drawn afresh on its next read, in every
    process: the generations are replaced once the change is committed (no other connection
    can read it before). Inside a transaction that code around the change holds open (a
    service calling another, a test), they are replaced at once as well: that code may draw
    a page from the uncommitted state before it commits."""
    keys = [_generation_key(s) for s in set(scopes)]
    if not keys:
        return

    def replace() -> None:
        global _change_missed
        try:
            _forget_all_if_a_change_was_missed()
            if len(keys) == 1:  # most changes: one organisation's (a plain SET, no MULTI)
                cache.set(keys[0], uuid.uuid4().hex, timeout=None)
            else:
                cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)
        except Exception:
            # The change itself stands: a cache that does not answer must not stop a save.
            logger.exception("The page cache did not answer; pages are drawn afresh once it does")
            _change_missed = True

    if _enclosed_in_a_transaction():
        replace()
    transaction.on_commit(replace)  # outside a transaction: at once


def _enclosed_in_a_transaction() -> bool:
    """Whether the change is made inside a transaction that code around it holds open: one
    atomic block within another, or within a test's own."""
    blocks = connection.atomic_blocks
    return len(blocks) > 1 or any(getattr(b, "_from_testcase", False) for b in blocks)


def forget_all() -> None:
    """Every cached page is drawn afresh on its next read."""
    global _change_missed
    cache.set(NAMESPACE_KEY, uuid.uuid4().hex, timeout=None)
    _change_missed = False


def _forget_all_if_a_change_was_missed() -> None:
    if _change_missed:
        forget_all()


@once
def release() -> str:
    """A digest of what draws pages: templates, Python source, translations, and the static
    files whose hashed names the pages link to."""
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for folder in ("templates", "qualification", "qad", "evidence", "assessment", "static"):
        for path in sorted((base / folder).rglob("*")):
            if path.is_file() and path.suffix != ".pyc" and "migrations" not in path.parts:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _key(request: HttpRequest, scopes: list[str], vary: Iterable[object], minute: bool) -> str:
    user = request.user
    now = timezone.localtime()
    parts = [
        release(),
        *_generations(scopes),
        request.resolver_match.view_name if request.resolver_match else "",
        request.get_full_path(),
        request.headers.get("HX-Request", ""),
        user.pk,
        getattr(user, "access_version", 0),
        translation.get_language(),
        now.strftime("%Y-%m-%d %H:%M") if minute else now.date().isoformat(),
        *vary,
    ]
    return "page:body:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def cached_value(
    request: HttpRequest,
    draw: Callable[[], T],
    *,
    scopes: Iterable[str],
    vary: Iterable[object] = (),
) -> T:
    """What `draw()` returns (a file's content, say), kept like a cached page."""
    key, value = _look_up(request, scopes, vary, minute=False)
    if value is None:
        value = draw()
        _keep(key, value)
    return value


def cached_page(
    request: HttpRequest,
    template: str,
    draw: Callable[[], dict],
    *,
    scopes: Iterable[str],
    vary: Iterable[object] = (),
    minute: bool = False,
) -> HttpResponse:
    """`template` drawn with what `draw()` returns (every read the page needs), unless the
    page is cached. `scopes`: the data generations the page shows (see the module's note);
    `vary`: anything else it depends on. Only a whole page (one that extends base.html) is
    kept."""
    key, page = _look_up(request, scopes, vary, minute)
    if page is None:
        page = render_to_string(template, {**draw(), "csrf_token": CSRF_PLACEHOLDER}, request)
        head, start, rest = page.partition(MESSAGES_START)
        _shown, end, tail = rest.partition(MESSAGES_END)
        if start and end:
            # Kept without the messages this reader was shown: those are theirs, once.
            _keep(key, head + start + end + tail)
        return _served(request, page)
    storage = messages.get_messages(request)
    if len(storage):
        head, start, rest = page.partition(MESSAGES_START + MESSAGES_END)
        shown = render_to_string("includes/messages.html", {"messages": storage}, request)
        page = head + MESSAGES_START + shown + MESSAGES_END + rest
    return _served(request, page)


def _look_up(request, scopes, vary, minute) -> tuple[str | None, object]:
    """The page's key and what is kept under it; with a cache that does not answer, no key:
    the page is drawn for this request and not kept."""
    try:
        key = _key(request, list(scopes), vary, minute)
        return key, cache.get(key)
    except Exception:
        logger.warning("The page cache did not answer; drawing the page", exc_info=True)
        return None, None


def _keep(key: str | None, value: object) -> None:
    if key is None:
        return
    try:
        cache.set(key, value, timeout=TIMEOUT)
    except Exception:
        logger.warning("The page cache did not answer; the page is not kept", exc_info=True)


def _served(request: HttpRequest, page: str) -> HttpResponse:
    return HttpResponse(page.replace(CSRF_PLACEHOLDER, get_token(request)))
