"""Reading the portal's configuration from environment variables.

Kept apart from settings.py so that the rules (what an unset variable means) can be
tested without reloading Django.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    pass


def env_bool(name: str, *, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    raw = environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r} is not a yes/no value (use 1 or 0)")


def env_list(
    name: str, *, default: list[str], environ: Mapping[str, str] = os.environ
) -> list[str]:
    raw = environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_config(*, base_dir: Path, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """PostgreSQL (or anything dj-database-url reads) from DATABASE_URL, else SQLite here."""
    url = environ.get("DATABASE_URL", "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(base_dir / "db.sqlite3"),
            # Several threads (runserver, eager tasks) write to one file: take the write lock
            # when a transaction begins and wait for it, rather than fail half-way through.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
            # Tests use a file too, not memory: the browser tests' live server answers
            # requests on several threads, and an in-memory database shared between threads
            # fails with "table is locked".
            "TEST": {"NAME": str(base_dir / "var" / "test-db.sqlite3")},
        }
    config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    return config


def cache_config(*, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """The cache; sessions are always kept in the database.

    With REDIS_URL: Redis, shared by every web process and worker, which answers like an empty
    cache while it is out of reach (qualification/redis_cache.py). Without it: memory in each
    process. Sessions stay in the database either way: a Redis outage must not sign anyone
    out or stop anyone signing in, and a session signed out in one process must not stay
    valid in the memory of another. CACHE_KEY_PREFIX keeps apart portals (or test runs) that
    share one Redis while their databases differ: a key names rows by their ids."""
    redis_url = environ.get("REDIS_URL", "").strip()
    sessions = {"SESSION_ENGINE": "django.contrib.sessions.backends.db"}
    if not redis_url:
        return {
            "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            **sessions,
        }
    return {
        "CACHES": {
            "default": {
                "BACKEND": "qualification.redis_cache.RedisCache",
                # A Redis of its own when given (evicting old keys under a memory limit); the
                # broker's must never evict.
                "LOCATION": environ.get("CACHE_URL", "").strip() or redis_url,
                "KEY_PREFIX": environ.get("CACHE_KEY_PREFIX", "").strip(),
                # A Redis that stops answering costs a request a second at most, once: the
                # cache then rests for a few seconds (qualification/redis_cache.py).
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        },
        **sessions,
    }


def celery_config(*, environ: Mapping[str, str] = os.environ) -> dict[str, Any]:
    """Celery settings: a Redis broker and real workers when REDIS_URL is set, otherwise
    tasks run eagerly inside the web process (the embedded default)."""
    redis_url = environ.get("REDIS_URL", "").strip()
    # Longest task hard limit; the broker must not redeliver a task that is still running.
    hard_limit = 600
    common: dict[str, Any] = {
        "CELERY_TASK_ACKS_LATE": True,
        "CELERY_TASK_REJECT_ON_WORKER_LOST": True,
        "CELERY_WORKER_PREFETCH_MULTIPLIER": 1,
        "CELERY_TASK_TIME_LIMIT": hard_limit,
        "CELERY_TASK_SOFT_TIME_LIMIT": hard_limit - 60,
        "CELERY_TASK_DEFAULT_QUEUE": "default",
        "CELERY_WORKER_HIJACK_ROOT_LOGGER": False,
        "CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP": True,
    }
    if not redis_url:
        return {
            **common,
            "CELERY_TASK_ALWAYS_EAGER": True,
            "CELERY_TASK_EAGER_PROPAGATES": True,
            "CELERY_BROKER_URL": "memory://",
            "CELERY_RESULT_BACKEND": None,
        }
    # An unacknowledged message (its worker died) is handed out again after this long: a
    # little more than the longest task may run, so never while that task still runs, and the
    # sweeps (assessment) resend lost work well before it.
    transport = {"visibility_timeout": hard_limit + 60, "socket_connect_timeout": 3}
    return {
        **common,
        "CELERY_TASK_ALWAYS_EAGER": False,
        "CELERY_BROKER_URL": redis_url,
        "CELERY_RESULT_BACKEND": redis_url,
        "CELERY_BROKER_TRANSPORT_OPTIONS": transport,
        "CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS": transport,
        "CELERY_RESULT_EXPIRES": 3600,
        # Give up quickly when the broker is down so a request never hangs on enqueue;
        # the periodic sweep picks up what could not be sent.
        "CELERY_TASK_PUBLISH_RETRY_POLICY": {
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.2,
            "interval_max": 0.5,
        },
    }
