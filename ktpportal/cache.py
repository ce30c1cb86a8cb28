"""Redis is an auxiliary here: the database decides everything, Redis only counts rate
limits, keeps free-seat lists for a few seconds and carries task ids. So when Redis is down
or hangs, the portal works without it instead of failing (docs/security.md, "When Redis is
gone"):

- `RedisCache` (settings.CACHES) answers every call it cannot make as a miss or a no-op,
  with a warning that names no key: free seats are computed from the database, and
  django-ratelimit fails open (RATELIMIT_FAIL_OPEN).
- `breaker_for(url)` keeps one circuit breaker per Redis server and process: after a failure,
  the cache, the publishing of tasks (ktpportal.notifications.services) and the health check
  skip that server for REDIS_RETRY_AFTER seconds, then one call tries it again. A Redis that
  hangs costs one REDIS_TIMEOUT per few seconds per process, not one per call.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What a Redis that is down, hanging or refusing writes raises: redis-py's own errors, and
# the socket's where they escape it.
REDIS_ERRORS = (RedisError, OSError)


class Breaker:
    """Skips one Redis server for REDIS_RETRY_AFTER seconds after a failure; then lets one
    caller (one only, however many threads ask) try it again."""

    def __init__(self, address: str):
        self.address = address
        self._lock = threading.Lock()
        self._skip_until = 0.0
        self._failing = False

    def allows(self) -> bool:
        now = time.monotonic()
        with self._lock:
            if now < self._skip_until:
                return False
            if self._failing:
                # This caller tries; the others keep skipping until it has its answer.
                self._skip_until = now + settings.REDIS_RETRY_AFTER
            return True

    def failed(self, consequence: str, error: BaseException) -> None:
        with self._lock:
            self._failing = True
            self._skip_until = time.monotonic() + settings.REDIS_RETRY_AFTER
        # The error's class and text, never the key or value of the call that failed.
        logger.warning(
            "Redis unreachable: %s; tried again in %s s",
            consequence,
            settings.REDIS_RETRY_AFTER,
            extra={"redis": self.address, "error": f"{type(error).__name__}: {error}"},
        )

    def succeeded(self) -> None:
        if self._failing:
            with self._lock:
                self._failing = False
                self._skip_until = 0.0
            logger.info("Redis reachable again", extra={"redis": self.address})


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(url: str) -> Breaker:
    """The breaker of the Redis server at `url`, shared in this process by every client of
    that server (its database number aside): when the cache found it down, publishing to it
    does not wait for the same timeout again."""
    parts = urlsplit(url)
    address = parts.path if parts.scheme == "unix" else f"{parts.hostname}:{parts.port or 6379}"
    with _breakers_lock:
        return _breakers.setdefault(address, Breaker(address))


_MISSING = object()
CACHE_DOWN = "the cache answers as a miss (free seats from the database, rate limits fail open)"


class RedisCache(DjangoRedisCache):
    """Django's Redis cache, failing soft: a call Redis cannot answer within its timeouts
    (OPTIONS socket_timeout, socket_connect_timeout) returns what a miss would."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self.breaker = breaker_for(self._servers[0])

    def _soft(self, fallback, call, *args):
        if not self.breaker.allows():
            return fallback
        try:
            result = call(*args)
        except REDIS_ERRORS as error:
            self.breaker.failed(CACHE_DOWN, error)
            return fallback
        self.breaker.succeeded()
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._soft(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._soft(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._soft({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._soft(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        value = self._soft(_MISSING, super().incr, key, delta, version)
        if value is _MISSING:
            # What Django's API says for a missing key; django-ratelimit counts on it.
            raise ValueError("Key not found: Redis unreachable.")
        return value

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # The keys that could not be set: all of them.
        return self._soft(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._soft(None, super().delete_many, keys, version)

    def clear(self):
        return self._soft(False, super().clear)

    def reachable(self) -> bool:
        """Redis answers a PING now (the health check); a tripped breaker says no at once."""
        return self._soft(False, lambda: bool(self._cache.get_client(write=True).ping()))
