"""Shared test set-up.

The suite runs on whatever DATABASE_URL / REDIS_URL say: SQLite and no Redis by default
(`make test` on a fresh machine), PostgreSQL and Redis in CI. Tests marked `postgres` or
`redis` are skipped, with the reason, when that service is not configured.
"""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def pytest_configure(config):
    # Templates use {% static %}; tests should not need `collectstatic` to have run first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The test client speaks plain HTTP; production's redirect to HTTPS is checked by
    # `check --deploy` in CI, not by every test.
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    skip_pg = pytest.mark.skip(
        reason="needs PostgreSQL: set DATABASE_URL=postgres://... (SQLite has no row locks)"
    )
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://...")
    for item in items:
        # Markers, not keywords: keywords also hold the names of the folders above the test,
        # and a checkout in a folder named "redis" would skip every test.
        if item.get_closest_marker("postgres") and not on_postgres:
            item.add_marker(skip_pg)
        if item.get_closest_marker("redis") and not settings.REDIS_URL:
            item.add_marker(skip_redis)


def restore_regions():
    """Put back the regions the migration loaded, from the same files, the same way."""
    import importlib

    from django.apps import apps

    from ktpportal.models import Province

    if not Province.objects.exists():
        importlib.import_module("ktpportal.migrations.0002_load_regions").load(apps, None)


@pytest.fixture(autouse=True)
def _regions_restored(request):
    """A transactional test ends by emptying every table, the regions a migration loaded
    too (pytest-django runs those tests last). Each one puts them back before it starts."""
    marker = request.node.get_closest_marker("django_db")
    if (marker and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        restore_regions()


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """A STATIC_ROOT filled by `collectstatic` with production's storage (the manifest and
    compressed files), made once, for the tests that need what a deployment has."""
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        env={**os.environ, "STATIC_ROOT": str(root)},
        cwd=settings.BASE_DIR,
        check=True,
        timeout=120,
    )
    return root


@pytest.fixture
def office(db):
    from tests.factories import make_office

    return make_office()


@pytest.fixture
def service_type(db):
    from tests.factories import make_service_type

    return make_service_type()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in Indonesian: a request in English leaves English active for the
    thread (LocaleMiddleware activates per request and does not reset), which would leak
    into the next test."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _redis_breakers_closed():
    """Each test starts with every Redis server taken as reachable: a breaker a fault test
    opened (ktpportal/cache.py) would otherwise let the next test skip the very Redis
    calls it means to measure."""
    from ktpportal import cache

    cache._breakers.clear()
    yield
    cache._breakers.clear()
