"""The cache (ktpportal.cache.RedisCache) with Redis gone: every call answers as a miss or
does nothing, quickly; a silent Redis is tried once per REDIS_RETRY_AFTER seconds, not once
per call; rate limits fail open. No database is needed here."""

import time

import pytest
from django.core.cache import caches
from django.test import RequestFactory
from django_ratelimit.core import is_ratelimited

from tests.faults.conftest import finishes_within
from tests.notifications.conftest import wait_for

# Keys that could hold personal data must never reach a log line.
SECRET_KEY_NAME = "kunci-3174011208900001"


@pytest.fixture
def cache(app_on_broken_redis):
    return caches["default"]


def test_every_call_answers_as_a_miss_or_a_no_op(cache, caplog):
    def every_call():
        k = SECRET_KEY_NAME
        return [
            cache.get(k),
            cache.get(k, "bawaan"),
            cache.add(k, 1),
            cache.set(k, 1),
            cache.get_many([k, "lain"]),
            cache.has_key(k),
            cache.touch(k),
            cache.delete(k),
            cache.set_many({k: 1}),
            cache.delete_many([k]),
            cache.get_or_set(k, 7),
            cache.clear(),
        ]

    answers, took = finishes_within(3, every_call)

    assert answers == [
        None,
        "bawaan",
        False,
        None,
        {},
        False,
        False,
        False,
        [SECRET_KEY_NAME],
        None,
        7,
        False,
    ]
    # incr on a missing key raises ValueError, as Django's API says (django-ratelimit
    # counts on it).
    with pytest.raises(ValueError):
        cache.incr(SECRET_KEY_NAME)
    with pytest.raises(ValueError):
        cache.decr(SECRET_KEY_NAME)
    assert "Redis" in caplog.text
    assert SECRET_KEY_NAME not in caplog.text and "3174011208900001" not in caplog.text
    assert [r.levelname for r in caplog.records if "Redis" in r.getMessage()] == ["WARNING"]


def test_a_silent_redis_costs_one_timeout_per_pause(settings, app_on_redis, tmp_path):
    from tests.faults.conftest import SilentRedis

    settings.REDIS_RETRY_AFTER = 1
    silent = SilentRedis()
    try:
        app_on_redis(silent.url)
        cache = caches["default"]

        _, took = finishes_within(5, lambda: [cache.get(f"k{n}") for n in range(50)])
        assert silent.accepted == 1, "50 calls, one attempt"
        assert took < 2 * settings.REDIS_TIMEOUT + 0.5

        time.sleep(1.1)  # the pause is over: one call tries again, the others still skip
        finishes_within(5, lambda: [cache.get(f"k{n}") for n in range(50)])
        assert silent.accepted == 2
    finally:
        silent.close()


@pytest.mark.redis
def test_the_cache_is_used_again_once_redis_is_back(settings, app_on_redis, private_redis):
    settings.REDIS_RETRY_AFTER = 1
    app_on_redis(private_redis.url)
    cache = caches["default"]
    cache.set("k", "sebelum")
    assert cache.get("k") == "sebelum"

    private_redis.stop()
    try:
        assert cache.get("k") is None
        assert cache.add("baru", 1) is False
    finally:
        private_redis.start()

    def works_again():
        cache.set("k", "sesudah")
        return cache.get("k") == "sesudah"

    wait_for(works_again, 5, "the cache to use Redis again")
    cache.delete("n")
    assert cache.add("n", 1) is True
    assert cache.incr("n") == 2


def _limited_three_times(rate="1/m") -> list[bool]:
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.7")
    return [
        is_ratelimited(request, group="uji", key="ip", rate=rate, increment=True) for _ in range(3)
    ]


def test_rate_limits_fail_open_without_redis(app_on_broken_redis):
    assert _limited_three_times() == [False, False, False]


def test_rate_limits_count_when_the_cache_works(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert _limited_three_times() == [False, True, True]  # the control
