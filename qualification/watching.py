"""Receivers of every save and deletion of some models' rows, their many-to-many links
included: what the caches of published versions and of pages listen to."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models.signals import m2m_changed, post_delete, post_save


def watch_rows(models: Iterable, *, saved: Callable, deleted: Callable, uid: str) -> None:
    """`saved` hears every save of a row of `models` and every change to its many-to-many
    links, `deleted` every deletion. `uid` names the connections (one each, however often
    this is called)."""
    for model in models:
        label = model._meta.label
        post_save.connect(saved, sender=model, dispatch_uid=f"{uid}:{label}")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"{uid}-d:{label}")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                saved,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}-m:{label}.{field.name}",
            )
