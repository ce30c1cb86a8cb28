"""Fixtures for the notification tests: a recording backend's table, a local SMS gateway,
and, for the fault tests, a private Redis and real Celery workers in subprocesses."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from ktpportal.celery import app as celery_app
from ktpportal.notifications.models import Channel
from ktpportal.notifications.services import queue_notification
from tests.notifications import backends

RECORDING_BACKEND = "tests.notifications.backends.RecordingBackend"


@pytest.fixture
def sends_table(db):
    backends.create_table()
    yield
    backends.drop_table()


def make_notification(office, n: int = 1, *, channel=Channel.SMS, recipient="081234567890"):
    """One outbox row about `office` (any saved row will do as the subject)."""
    return queue_notification(
        key=f"test:{office.pk}:{n}:{channel}",
        kind="test_message",
        channel=channel,
        recipient=recipient,
        about=office,
        office=office,
        title="Uji",
        body_text=f"Pesan uji {n}",
    )


# --- A local SMS/WhatsApp gateway ------------------------------------------------------


class Gateway:
    """Answers each POST with the next status in `script[to]` (200 once the script is
    used up) and records what it was sent. A key it has accepted before is not delivered
    again, like a gateway that honours idempotency keys."""

    def __init__(self):
        self.script: dict[str, list[int]] = {}
        self.requests: list[dict] = []
        self.delivered: dict[str, int] = {}
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway.lock:
                    gateway.requests.append({"headers": dict(self.headers), "body": body})
                    statuses = gateway.script.get(body["to"], [])
                    status = statuses.pop(0) if statuses else 200
                    if status == 200:
                        key = body["idempotency_key"]
                        gateway.delivered[key] = gateway.delivered.get(key, 0) + 1
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    gw = Gateway()
    yield gw
    gw.close()


@pytest.fixture
def gateway_settings(settings, gateway):
    settings.SHORT_MESSAGE_BACKEND = "ktpportal.notifications.channels.HTTPGatewayBackend"
    settings.SHORT_MESSAGE_GATEWAY_URL = gateway.url
    settings.SHORT_MESSAGE_GATEWAY_TOKEN = "rahasia-uji"
    settings.SHORT_MESSAGE_GATEWAY_TIMEOUT = 2
    return settings


# --- Fault tests: a private Redis and real workers ------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout: float, message: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s: {message}")


class PrivateRedis:
    """A redis-server of our own, so that stopping it disturbs no one else's tests."""

    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, 10, "private redis-server to start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def queue_length(self) -> int:
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as s:
            s.sendall(b"LLEN celery\r\n")
            return int(s.recv(32).strip().lstrip(b":"))


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory):
    if shutil.which("redis-server") is None:
        pytest.skip("needs the redis-server program")
    redis = PrivateRedis(tmp_path_factory.mktemp("redis"))
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def broker(private_redis):
    """Point this process's Celery app at the private Redis (tasks really queued)."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager)
    if not private_redis.ping():
        private_redis.start()

    def use(url, eager):
        conf.broker_url, conf.task_always_eager = url, eager
        # Celery keeps its connection and producer pools; drop them to use the new URL.
        celery_app._after_fork()

    use(private_redis.url, False)
    with socket.create_connection(("127.0.0.1", private_redis.port)) as s:
        s.sendall(b"FLUSHALL\r\n")
        s.recv(16)
    yield private_redis
    use(*saved)
    if not private_redis.ping():
        private_redis.start()


def worker_database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def start_worker(broker, tmp_path):
    """Start `celery worker` (prefork, 2 processes) on the test database and the private
    Redis; every worker started is killed at the end, whatever happened."""
    workers = []

    def start(**env):
        full_env = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": broker.url,
            "SECRET_KEY": "worker-under-test",
            "SHORT_MESSAGE_BACKEND": RECORDING_BACKEND,
            "PYTHONPATH": str(settings.BASE_DIR),
            "LOG_LEVEL": "WARNING",
            **env,
        }
        log = open(tmp_path / f"worker-{len(workers)}.log", "w")  # noqa: SIM115 - closed at the end
        process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("celery")),
                "-A",
                "ktpportal",
                "worker",
                "--pool=prefork",
                "-c",
                "2",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
            ],
            cwd=settings.BASE_DIR,
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches the children
        )
        workers.append((process, log))
        return process

    yield start
    for process, log in workers:
        kill_worker(process)
        log.close()


def kill_worker(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    # The whole group: prefork children outlive a killed parent otherwise.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    process.wait(20)
