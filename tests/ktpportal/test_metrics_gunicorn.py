"""/metrics under gunicorn as production runs it (gunicorn.conf.py, two sync workers) on the
test database: whichever worker answers a scrape, it adds up what every worker counted."""

import datetime
import os
import signal
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from prometheus_client.mmap_dict import MmapedDict, mmap_key

from antrean.calendar_rules import holiday_reason
from bench.load import Browser
from tests.antrean.conftest import make_booking, open_office
from tests.antrean.factories import slot_at
from tests.factories import VALID_NIK, make_nik, make_service_type
from tests.ktpportal.test_metrics import TOKEN, samples, value
from tests.notifications.conftest import free_port, wait_for, worker_database_url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]
HOST = "127.0.0.1"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    # Production's static storage needs the manifest that collectstatic writes.
    root = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "STATIC_ROOT": str(root)},
        check=True,
        timeout=120,
    )
    return root


class Gunicorn:
    def __init__(self, process: subprocess.Popen, port: int):
        self.process, self.port = process, port

    @property
    def workers(self) -> set[int]:
        pid = self.process.pid
        return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}

    def get(self, path: str, **headers) -> tuple[int, str]:
        response, raw = Browser(HOST, self.port).request("GET", path, headers=headers)
        return response.status, Browser.text(response, raw)

    def scrape(self) -> str:
        status, text = self.get("/metrics", Authorization=f"Bearer {TOKEN}")
        assert status == 200
        return text

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(25)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


@pytest.fixture
def start_gunicorn(tmp_path, static_root):
    """gunicorn with gunicorn.conf.py on the test database and this run's Redis; every one
    started is stopped at the end, whatever happened."""
    cache.clear()  # rate-limit counts from earlier tests
    started = []

    def start(*, workers: int, **env) -> Gunicorn:
        port = free_port()
        log = open(tmp_path / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [GUNICORN, "--config", "gunicorn.conf.py", "ktpportal.wsgi"],
            cwd=settings.BASE_DIR,
            env={
                **os.environ,
                "DATABASE_URL": worker_database_url(),
                "REDIS_URL": settings.REDIS_URL,
                "SECRET_KEY": "gunicorn-under-test",
                "SECURE_SSL": "0",
                "DEBUG": "0",
                "ALLOWED_HOSTS": HOST,
                "STATIC_ROOT": str(static_root),
                "GUNICORN_BIND": f"{HOST}:{port}",
                "GUNICORN_WORKERS": str(workers),
                "METRICS_TOKEN": TOKEN,
                "METRICS_ALLOWED_NETWORKS": "127.0.0.0/8",
                "LOG_LEVEL": "ERROR",
                "RATELIMIT_FAILURES_PER_ADDRESS": "5",
                **env,
            },
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        server = Gunicorn(process, port)
        started.append(server)
        wait_for(lambda: _healthy(port), 60, "gunicorn to answer /healthz")
        wait_for(lambda: len(server.workers) == workers, 30, f"{workers} workers")
        return server

    yield start
    for server in started:
        server.stop()


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


def _bookable_day(office) -> datetime.date:
    """A working day a few days ahead of the real clock (gunicorn runs on it), not a holiday."""
    day = timezone.localdate(timezone.now(), timezone=office.tz) + datetime.timedelta(days=2)
    while holiday_reason(day):
        day += datetime.timedelta(days=1)
    return day


def test_two_workers_counts_are_added_up_whichever_answers(start_gunicorn, tmp_path):
    service = make_service_type(code="ktp-baru-gunicorn")
    office = open_office(service_type=service, slug="kantor-gunicorn-metrik")
    day = _bookable_day(office)
    slot, full = slot_at(office, day, 9), slot_at(office, day, 10, capacity=1)

    server = start_gunicorn(workers=2, TMPDIR=str(tmp_path))
    metrics_dirs = list(tmp_path.glob("ktpportal-metrics-*"))
    assert len(metrics_dirs) == 1  # gunicorn.conf.py's private directory

    # Enough requests at once that both workers take some.
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: server.get("/bench/trivial")[0], range(200)))
    assert statuses == [200] * 200

    citizen = Browser(HOST, server.port)

    def form(slot) -> tuple[str, dict]:
        path = reverse("antrean:book", args=[office.slug, service.code, day, slot.pk])
        _status, tokens = citizen.form_tokens(path)
        return path, {
            "nik": VALID_NIK,
            "full_name": "Siti Aminah",
            "phone": "081234567890",
            **tokens,
        }

    def post(path, data, **fields) -> int:
        return citizen.request("POST", path, {**data, **fields})[0].status

    assert post(*form(slot)) == 302
    path, data = form(full)
    make_booking(full, service, nik=make_nik())  # someone else takes the last seat meanwhile
    assert post(path, data, nik=make_nik()) == 409
    # The per-address limit on failures (5 an hour here); the booking made and the seat
    # someone else took are not failures.
    assert [post(*form(slot), nik="") for _ in range(5)] == [400] * 5
    assert post(*form(slot), nik="") == 429

    pids = {int(f.stem.split("_")[-1]) for f in metrics_dirs[0].glob("counter_*.db")}
    assert pids == server.workers, "each worker counted in its own file"
    texts = [server.scrape() for _ in range(6)]
    for text in texts:
        found = samples(text)
        requests = "ktpportal_http_requests_total"
        assert value(found, requests, view="trivial", method="GET", status="200") == 200
        outcomes = "ktpportal_booking_outcomes_total"
        assert value(found, outcomes, view="antrean:book", outcome="booked") == 1
        assert value(found, outcomes, view="antrean:book", outcome="full") == 1
        assert value(found, "ktpportal_rate_limited_total", view="antrean:book") == 1
        assert value(found, "ktpportal_metrics_database_up") == 1
        assert VALID_NIK not in text and office.slug not in text

    status, _text = server.get("/metrics")
    assert status == 401
    server.stop()
    assert not metrics_dirs[0].exists(), "the private directory is removed at exit"


def test_a_directory_given_is_emptied_of_an_earlier_runs_counts(start_gunicorn, tmp_path):
    given = tmp_path / "metrics"
    given.mkdir()
    # A worker of the previous run counted 1,000 refusals.
    earlier = MmapedDict(str(given / "counter_999999.db"))
    name = "ktpportal_rate_limited"
    key = mmap_key(name, f"{name}_total", ["view"], ["antrean:book"], "Refused.")
    earlier.write_value(key, 1000.0, 0.0)
    earlier.close()

    server = start_gunicorn(workers=1, PROMETHEUS_MULTIPROC_DIR=str(given))
    found = samples(server.scrape())
    assert value(found, "ktpportal_rate_limited_total", view="antrean:book") == 0
    assert not (given / "counter_999999.db").exists()
    server.stop()
    assert given.is_dir(), "a directory given is kept"
