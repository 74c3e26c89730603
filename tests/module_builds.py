"""For fixtures that build data once for a module, inside a transaction its tests share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from django.db import transaction
from django.test import override_settings

from portal import celery_app

Built = TypeVar("Built")


def built_for_the_module(
    build: Callable[[], Built], django_db_blocker, media_root: Path
) -> Iterator[Built]:
    """What `build` makes, inside a transaction rolled back when the module is done: each test
    runs in a savepoint of its own on top of it, so even a test that writes leaves it as it
    was. Files go to `media_root`, which the module's tests must use too."""
    fast_hashing = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run in this process, as tests/conftest.py has them run for each test: nothing
    # built here may leave work in a shared broker.
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with (
            django_db_blocker.unblock(),
            # As tests/conftest.py sets them for each test (a build may sign people in).
            override_settings(
                MEDIA_ROOT=media_root,
                PASSWORD_HASHERS=fast_hashing,
                REQUIRE_SECOND_FACTOR=False,
                AXES_ENABLED=False,
            ),
            transaction.atomic(),
        ):
            built = build()
            settle_deferred_checks()
            celery_app.conf.task_always_eager = eager
            yield built
            transaction.set_rollback(True)
    finally:
        celery_app.conf.task_always_eager = eager


def settle_deferred_checks() -> None:
    """Check now the foreign keys of what a module-wide fixture built in its transaction.
    Each test on top of it ends by checking the deferred constraints, which would otherwise
    check every row of the build again, test after test (seconds each on a large build)."""
    from django.db import connection

    connection.check_constraints()
