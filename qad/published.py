"""Published versions as the pages read them, kept in memory between requests.

A published template's sections, questions and evidence types never change (a correction is
a new version), and which version is current changes only when one is loaded or published.
Nearly every QAD and review page reads them, so they are cached: in the Django cache
(shared by the web processes: Redis when REDIS_URL is set, else this process's memory) and,
to spare unpickling them on every request, in this process too.

Every entry is keyed by a *generation*, one small value in the Django cache that is replaced
whenever a template or criteria version is saved (loaded, published, superseded, edited as a
draft): the next read in any process then builds the entry afresh. The generation is replaced
at once and again when the transaction commits, so that a reader that cached the previous
state while the change was still uncommitted does not keep it.
"""

from __future__ import annotations

import copy
import logging
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count

from qad.enums import VersionStatus
from qad.models import QadTemplate, Question, Section
from qualification.watching import watch_rows

GENERATION_KEY = "qad:published:generation"
LOCAL_ENTRIES = 256  # templates and criteria sets in use at once are few

T = TypeVar("T")
logger = logging.getLogger(__name__)
_local: dict[str, tuple[str, object]] = {}


def generation() -> str:
    current = cache.get(GENERATION_KEY)
    if current is None:
        # First read, or the cache lost it: any new value makes every earlier entry stale.
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        current = cache.get(GENERATION_KEY)
    return current


def versions_changed() -> None:
    """Forget every cached reading of published versions, in every process."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    _local.clear()


def versions_changed_now_and_on_commit() -> None:
    versions_changed()
    transaction.on_commit(versions_changed)


def remembered(key: str, build: Callable[[], T]) -> T:
    """The value `build` gives for `key`, built at most once per generation and process.
    `build` must not return None (it would read as a miss). With a cache that does not
    answer, built afresh for the caller (a page still draws, only slower)."""
    try:
        current = generation()
    except Exception:
        logger.warning("The cache did not answer; reading the published version", exc_info=True)
        return build()
    entry = _local.get(key)
    if entry is not None and entry[0] == current:
        return entry[1]  # type: ignore[return-value]
    shared_key = f"qad:published:{current}:{key}"
    try:
        value = cache.get(shared_key)
    except Exception:
        return build()
    if value is None:
        value = build()
        with suppress(Exception):
            # Short-lived: entries of an earlier generation are never read again.
            cache.set(shared_key, value, timeout=10 * 60)
    if len(_local) >= LOCAL_ENTRIES:
        _local.clear()
    _local[key] = (current, value)
    return value


@dataclass(frozen=True)
class TemplateOutline:
    """What pages read of one template version: never to be changed by a reader."""

    sections: tuple[Section, ...]  # in order, each with `question_count`
    evidence_type_names: dict[str, str]  # code -> name, in the template's order
    questions: dict[int, Question]  # pk -> question, each with its section

    def section(self, ref: str) -> Section | None:
        return next((s for s in self.sections if s.ref == ref), None)

    def sections_copy(self) -> list[Section]:
        """Sections a page may annotate without touching the shared ones."""
        return [copy.copy(s) for s in self.sections]


def _outline(template_id: int) -> TemplateOutline:
    sections = tuple(
        Section.objects.filter(template_id=template_id)
        .annotate(question_count=Count("questions"))
        .order_by("position")
    )
    by_pk = {s.pk: s for s in sections}
    questions = {}
    for question in Question.objects.filter(template_id=template_id).order_by("position"):
        question.section = by_pk[question.section_id]
        questions[question.pk] = question
    names = dict(
        QadTemplate.objects.get(pk=template_id)
        .evidence_types.order_by("position")
        .values_list("code", "name")
    )
    return TemplateOutline(sections, names, questions)


def template_outline(template: QadTemplate) -> TemplateOutline:
    """The template's sections, questions and evidence type names; cached once published
    (a draft's content may still change, so it is read afresh)."""
    if template.status == VersionStatus.DRAFT:
        return _outline(template.pk)
    return remembered(f"template:{template.pk}", lambda: _outline(template.pk))


def _changed(sender, **kwargs) -> None:
    versions_changed_now_and_on_commit()


def watch_versions(*models) -> None:
    """Forget cached versions whenever one of these models is saved or deleted. Every way a
    version changes (the loader, publishing, the admin) saves through the ORM; superseding
    uses update(), but always beside the publish that saves the new version."""
    watch_rows(models, saved=_changed, deleted=_changed, uid="published")
