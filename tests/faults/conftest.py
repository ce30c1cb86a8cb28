"""Redis broken in the two ways an operator meets: down (nothing listens on its port) and
silent (it accepts connections and never answers: frozen, a full disk, a half-open network
path). The app is pointed at the broken Redis either in this process, with the settings a
process started with REDIS_URL=<broken> would have, or as a real gunicorn subprocess."""

import contextlib
import http.cookiejar
import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from ktpportal.celery import app as celery_app
from tests.notifications.conftest import (  # noqa: F401 - fixtures the fault tests share
    broker,
    free_port,
    private_redis,
    sends_table,
    start_worker,
    wait_for,
)


class SilentRedis:
    """Accepts every connection, reads nothing and never answers."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.listener.settimeout(0.1)
        self.url = f"redis://127.0.0.1:{self.listener.getsockname()[1]}/0"
        self.accepted = 0
        self._held = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            self._held.append(conn)

    def close(self):
        self._stop.set()
        self._thread.join(5)
        self.listener.close()
        for conn in self._held:
            conn.close()


@dataclass
class BrokenRedis:
    kind: str  # "down" or "silent"
    url: str
    server: SilentRedis | None

    @property
    def connections(self) -> int:
        """Connections the silent Redis accepted: one per attempt to reach it."""
        return self.server.accepted if self.server else 0


@pytest.fixture(params=["down", "silent"])
def broken_redis(request):
    if request.param == "down":
        yield BrokenRedis("down", f"redis://127.0.0.1:{free_port()}/0", None)
        return
    server = SilentRedis()
    yield BrokenRedis("silent", server.url, server)
    server.close()


def settings_with(**env):
    """The settings module as a process started with these environment variables reads it."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        spec = importlib.util.spec_from_file_location(
            "ktpportal_settings_probe", Path(django_settings.BASE_DIR, "ktpportal", "settings.py")
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


@pytest.fixture
def app_on_redis(settings):
    """Point this process's cache and Celery at a Redis URL, configured exactly as a process
    with REDIS_URL=<url> would be (CACHES, every CELERY_ setting)."""
    conf = celery_app.conf
    saved = None
    # Load the broker's transport before anything is timed: in a virtualenv without bytecode
    # (PYTHONDONTWRITEBYTECODE) compiling kombu's Redis transport alone takes over a second.
    celery_app.connection_for_write("redis://127.0.0.1:1/0").release()

    def point(url: str):
        nonlocal saved
        probe = settings_with(REDIS_URL=url)
        settings.REDIS_URL = url
        settings.CACHES = probe.CACHES
        celery = {
            name.removeprefix("CELERY_").lower(): getattr(probe, name)
            for name in dir(probe)
            if name.startswith("CELERY_")
        }
        if saved is None:
            saved = {key: conf.get(key) for key in celery}
        conf.update(celery)
        # Celery keeps its connection and producer pools: drop them to use the new URL.
        celery_app._after_fork()

    yield point
    if saved is not None:
        conf.update(saved)
        celery_app._after_fork()


@pytest.fixture
def app_on_broken_redis(broken_redis, app_on_redis):
    app_on_redis(broken_redis.url)
    return broken_redis


@contextlib.contextmanager
def within(seconds: float, what: str):
    started = time.monotonic()
    yield
    took = time.monotonic() - started
    assert took < seconds, f"{what} took {took:.2f} s (at most {seconds} s)"


def finishes_within(seconds: float, fn, *args):
    """Run fn in a thread; fail (instead of hanging the suite) if it has not ended in time."""
    outcome = {}

    def run():
        try:
            outcome["value"] = fn(*args)
        except Exception as exc:  # reported below
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(seconds)
    took = time.monotonic() - started
    assert not thread.is_alive(), f"still running after {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value"), took


# --- A real gunicorn ---------------------------------------------------------------------


def database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class Gunicorn:
    """gunicorn with gunicorn.conf.py, as the Dockerfile runs it, on a free port."""

    def __init__(self, workdir: Path, **env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"gunicorn-{self.port}.log"
        self.env = {
            **os.environ,
            "SECRET_KEY": "gunicorn-under-test",
            "SECURE_SSL": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": "1",
            "LOG_LEVEL": "INFO",
            "PYTHONPATH": str(django_settings.BASE_DIR),
            **env,
        }

    def start(self):
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "--config",
                "gunicorn.conf.py",
                "ktpportal.wsgi",
            ],
            cwd=django_settings.BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._listening, 90, f"gunicorn on port {self.port}")
        return self

    def _listening(self) -> bool:
        assert self.process.poll() is None, self.read_log()
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def stop(self):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        self.log.close()

    def read_log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def browser(self) -> "Browser":
        return Browser(self.base)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Page:
    status: int
    text: str
    location: str
    seconds: float


class Browser:
    """A citizen's phone with JavaScript off: cookies kept, forms posted with their CSRF
    token, redirects not followed (the tests look at them)."""

    _CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )
        self.last_csrf = ""

    def _open(self, request) -> Page:
        started = time.monotonic()
        try:
            response = self.opener.open(request, timeout=15)
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            response = error
        with response:
            text = response.read().decode("utf-8", "replace")
            page = Page(
                response.status,
                text,
                response.headers.get("Location", ""),
                time.monotonic() - started,
            )
        if match := self._CSRF.search(text):
            self.last_csrf = match.group(1)
        return page

    def get(self, path: str) -> Page:
        return self._open(urllib.request.Request(self.base + path))  # noqa: S310 - http://

    def post(self, path: str, data: dict) -> Page:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.last_csrf, **data}).encode()
        request = urllib.request.Request(self.base + path, data=body, method="POST")  # noqa: S310
        return self._open(request)


def bookable_day(office):
    """The first day after today (office time, real clock) the office is open: the tests
    that run a real server or worker cannot freeze its clock."""
    import datetime

    from django.utils import timezone

    from antrean.calendar_rules import plan_days

    tomorrow = timezone.localdate(timezone.now(), timezone=office.tz) + datetime.timedelta(days=1)
    plans = plan_days(office=office, start=tomorrow, days=10)
    return next(plan.date for plan in plans if plan.is_open)
