"""The connection pool sized to the worker model: a sync gunicorn worker or a Celery child
uses one connection at a time, so its pool holds none ahead of use and at most one spare;
behind PgBouncer (transaction pooling) Django's own pool is off. docs/operations.md."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.faults.conftest import settings_with

POSTGRES = {"DATABASE_URL": "postgres://ktp@db:5432/ktp", "SECRET_KEY": "k" * 50}


def _database(**env) -> dict:
    return settings_with(**POSTGRES, **env).DATABASES["default"]


def test_a_sync_worker_holds_no_idle_connection_and_uses_one(monkeypatch):
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    database = _database()
    assert database["OPTIONS"]["pool"] == {"min_size": 0, "max_size": 2, "timeout": 10}
    assert database["CONN_MAX_AGE"] == 0


def test_threaded_workers_get_a_connection_per_thread():
    assert _database(GUNICORN_THREADS="8")["OPTIONS"]["pool"]["max_size"] == 9
    assert _database(DATABASE_POOL_MAX="4")["OPTIONS"]["pool"]["max_size"] == 4


def test_behind_pgbouncer_the_pool_is_off_and_no_server_side_cursor():
    database = _database(DATABASE_PGBOUNCER="1")
    assert "pool" not in database.get("OPTIONS", {})
    assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert database["CONN_MAX_AGE"] > 0 and database["CONN_HEALTH_CHECKS"] is True


def test_without_the_pool_each_request_connects():
    database = _database(DATABASE_POOL="0")
    assert "pool" not in database.get("OPTIONS", {})
    assert database["CONN_MAX_AGE"] == 0


def test_a_minimum_above_the_maximum_stops_the_start():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOL_MIN"):
        _database(DATABASE_POOL_MIN="5", DATABASE_POOL_MAX="2")
