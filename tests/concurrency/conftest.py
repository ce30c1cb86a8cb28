"""Race tests: real threads, each with its own PostgreSQL connection."""

import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def connection_per_thread():
    """Every thread its own connection at once, as each counter's request has in production.
    The pool is sized for one gunicorn thread per process (DATABASE_POOL_MAX, default 2):
    with it, twenty threads would take turns for a connection instead of racing."""
    options = connection.settings_dict["OPTIONS"]
    sized = options.get("pool")
    if not sized:
        yield
        return
    connection.close()
    connection.close_pool()
    options["pool"] = {**sized, "max_size": 30}
    try:
        yield
    finally:
        connection.close()
        connection.close_pool()
        options["pool"] = sized
