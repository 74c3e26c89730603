"""Django's Redis cache, answering like an empty cache while Redis is out of reach.

The portal keeps working without Redis (sessions live in the database): every cache call that
fails reads as a miss and writes nothing, the outage is logged once at WARNING, and for a few
seconds after a failure the cache is not asked at all, so that a Redis that does not answer
costs a request nothing rather than a timeout per call.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("qad.outage")

# After a failed call, how long the cache counts as down without being asked again.
RESTING_SECONDS = 5.0


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._down_until = 0.0

    def _call(self, name: str, miss, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return miss
        try:
            found = getattr(super(), name)(*args, **kwargs)
        except RedisError as error:
            if not self._down_until:
                logger.warning("The cache (Redis) does not answer (%s); working without it", error)
            self._down_until = time.monotonic() + RESTING_SECONDS
            return miss
        if self._down_until:
            logger.warning("The cache (Redis) answers again")
            self._down_until = 0.0
        return found

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", None, key, delta, version)

    def clear(self):
        return self._call("clear", False)
