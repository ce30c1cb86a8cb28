"""A short-message backend for the fault tests: a gateway that honours idempotency keys.

Each send is recorded in the table `notify_test_sends` (made by the `sends_table` fixture in
the test database, which the worker subprocess uses too): one row per idempotency key, with
`tries` counting how often that key was handed over. One row per key is "delivered exactly
once"; tries > 1 shows where the idempotency key was needed.
"""

import os
import time

from django.db import connection

from ktpportal.notifications.channels import ShortMessageBackend

TABLE = "notify_test_sends"


class RecordingBackend(ShortMessageBackend):
    def send(self, *, to: str, channel: str, text: str, idempotency_key: str) -> None:
        # Network time on both sides of the gateway's acceptance, so that a worker killed
        # mid-send is sometimes killed after the gateway took the message.
        delay = float(os.environ.get("NOTIFY_TEST_SEND_DELAY", "0"))
        time.sleep(delay)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (idempotency_key, recipient, text, tries) "  # noqa: S608
                "VALUES (%s, %s, %s, 1) ON CONFLICT (idempotency_key) "
                f"DO UPDATE SET tries = {TABLE}.tries + 1",
                [idempotency_key, to, text],
            )
        time.sleep(delay)


def create_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(
            f"CREATE TABLE {TABLE} (idempotency_key varchar(200) PRIMARY KEY, "
            "recipient varchar(254) NOT NULL, text text NOT NULL, tries integer NOT NULL)"
        )


def drop_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def recorded() -> dict[str, int]:
    """{idempotency key: tries}."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT idempotency_key, tries FROM {TABLE}")  # noqa: S608
        return dict(cursor.fetchall())
