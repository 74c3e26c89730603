"""How the portal's dependencies stand, for a load balancer, compose healthchecks and the
person on call: no sign-in and no data, only each dependency's state."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from evidence.scanning.clamav import ClamdScanner
from qualification.outbox import BEAT_TICK_KEY

BEAT_LATE_AFTER = 5 * 60  # seconds
QUEUES = ("default", "reports")


@dataclass(frozen=True)
class Dependency:
    name: str
    ok: bool
    required: bool  # the portal cannot serve without it
    detail: str = ""


def _checked(name: str, required: bool, check: Callable[[], str]) -> Dependency:
    try:
        return Dependency(name, True, required, check())
    except Exception as error:  # a health check reports every failure, it never raises
        return Dependency(name, False, required, f"{type(error).__name__}: {error}"[:200])


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "answers"


def _cache() -> str:
    key = "health:probe"
    value = str(time.time_ns())
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        raise RuntimeError("a value written was not read back")
    return "answers"


def _broker() -> str:
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2)
    depth = {queue: client.llen(queue) for queue in QUEUES}
    return ", ".join(f"{queue}: {n} waiting" for queue, n in depth.items())


def _clamd() -> str:
    if not ClamdScanner(settings.CLAMAV_URL, timeout=2).ping():
        raise RuntimeError("no PONG to PING")
    return "answers"


def _beat() -> str:
    tick = cache.get(BEAT_TICK_KEY)
    if tick is None:
        raise RuntimeError("no tick recorded yet")
    age = (timezone.now() - tick).total_seconds()
    if age > BEAT_LATE_AFTER:
        raise RuntimeError(f"last tick {int(age)} s ago")
    return f"last tick {int(age)} s ago"


def dependencies() -> list[Dependency]:
    """Each dependency the configuration names, checked now."""
    found = [_checked("database", True, _database), _checked("cache", True, _cache)]
    if settings.CELERY_BROKER_URL.startswith("redis"):
        found.append(_checked("broker", True, _broker))
        found.append(_checked("beat", False, _beat))
    if getattr(settings, "CLAMAV_URL", ""):
        # Without clamd, uploads wait as "being checked": the portal still serves.
        found.append(_checked("clamd", False, _clamd))
    return found
