"""What a citizen waits for when Redis is healthy, down, or silent (accepts connections and
never answers), and how many PostgreSQL connections the web workers hold.

Starts gunicorn as production does (gunicorn.conf.py, collected static files, the connection
pool) on the database DATABASE_URL names (migrated and seeded with the demo data here), once
per Redis state, and times requests one after another from one client: the date page, a
status lookup (rate-limited: one NIK 20 times, over its limit of 10 an hour), a booking
(rate-limited, queues two messages), /healthz and /healthz/ready. Prints one table. Everything
it starts is stopped; its bookings are cancelled and erased. Its rate-limit counts live in
REDIS_URL's database, which it empties first: give it a database of its own.

    DATABASE_URL=postgres://... REDIS_URL=redis://.../2 .venv/bin/python bench/redis_outage.py
    # the same against other code, e.g. `git archive <commit> | tar -x -C /tmp/old`:
    ... bench/redis_outage.py --code /tmp/old --requests 5 --bookings 3
"""

import argparse
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench-redis"
PGAPPNAME = "ktp-bench-redis-outage"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SilentRedis:
    """Accepts connections, never answers (a frozen Redis, a half-open network path)."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.url = f"redis://127.0.0.1:{self.listener.getsockname()[1]}/0"
        self.held = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                self.held.append(self.listener.accept()[0])
            except OSError:
                return


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect
        )
        self.csrf = ""

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, float]:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf, **data}).encode()
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - http://
        started = time.monotonic()
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            text = response.read().decode("utf-8", "replace")
        took = time.monotonic() - started
        if match := re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text):
            self.csrf = match.group(1)
        return response.status, text, took


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ktpportal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def target():
    """A demo office's service, a bookable day, a receipt number."""
    from antrean.availability import days_for
    from antrean.models import OfficeService
    from status.models import Application

    offered = OfficeService.objects.select_related("office", "service_type").first()
    office, service = offered.office, offered.service_type
    day = next(d.date for d in days_for(office=office, service_type=service) if d.is_open)
    receipt = Application.objects.values_list("receipt_number", flat=True).first()
    return office.slug, service.code, day, receipt


def forget_bookings():
    """This script's bookings cancelled (their seats given back) and erased."""
    from antrean.models import Booking
    from antrean.services import cancel_booking

    mine = Booking.objects.filter(full_name="Uji Beban")
    for booking in mine.filter(status=Booking.Status.ACTIVE):
        cancel_booking(booking=booking)
    mine.delete()


def nik(serial: int) -> str:
    # Kebayoran Baru, born 12-08-1990; a serial no demo citizen uses.
    return f"317401120890{serial:04d}"


def connections() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [PGAPPNAME]
        )
        return cursor.fetchone()[0]


def run_state(state, redis_url, options, where, serials) -> list[tuple]:
    port = free_port()
    env = {
        **os.environ,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(VAR / "static"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(options.workers),
        "PGAPPNAME": PGAPPNAME,
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(options.code),
        **dict(item.split("=", 1) for item in options.env),
    }
    log = open(VAR / f"gunicorn-{state}.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "ktpportal.wsgi"],
        cwd=options.code,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    rows = []
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"gunicorn did not start: see {log.name}") from None
                time.sleep(0.3)
        slug, code, day, receipt = where
        client = Client(f"http://127.0.0.1:{port}")
        timings: dict[str, list] = {}

        def timed(name, path, data=None):
            status, text, took = client.request(path, data)
            timings.setdefault(name, []).append((status, took))
            return text

        # Each worker's first pages compile templates: not what is measured here.
        for _ in range(2 * options.workers):
            client.request(f"/antrean/{slug}/{code}/")
            client.request("/status/")
        for _ in range(options.requests):
            timed("date page", f"/antrean/{slug}/{code}/")
        for _ in range(options.requests):
            timed(
                "status lookup, one NIK (limit 10/h)",
                "/status/",
                {"receipt_number": receipt, "nik": nik(1)},
            )
        for _ in range(options.bookings):
            phone = Client(client.base)  # each booking a citizen of their own
            times = phone.request(f"/antrean/{slug}/{code}/{day}/")[1]
            url = re.search(rf"/antrean/{slug}/{code}/{day}/\d+/", times).group(0)
            token = re.search(
                r'name="submission_token" value="([0-9a-f-]{36})"', phone.request(url)[1]
            ).group(1)
            data = {
                "nik": nik(next(serials)),
                "full_name": "Uji Beban",
                "phone": "0812 3456 7890",
                "email": "uji@example.org",
                "sms_consent": "on",
                "submission_token": token,
            }
            status, _, took = phone.request(url, data)
            timings.setdefault("booking POST", []).append((status, took))
        for _ in range(5):
            timed("/healthz", "/healthz")
            ready = timed("/healthz/ready", "/healthz/ready")
        held = connections()
        for name, results in timings.items():
            seconds = [took for _, took in results]
            statuses = sorted({status for status, _ in results})
            rows.append(
                (
                    state,
                    name,
                    len(results),
                    "/".join(map(str, statuses)),
                    statistics.median(seconds) * 1000,
                    max(seconds) * 1000,
                )
            )
        try:
            ready_state = json.loads(ready).get("status", "?")
        except ValueError:
            ready_state = "(not JSON)"
        rows.append((state, "readiness says", "", ready_state, None, None))
        rows.append((state, f"connections held by {options.workers} workers", "", held, None, None))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        log.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout gunicorn serves")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=20, help="per page and state")
    parser.add_argument("--bookings", type=int, default=5, help="per state")
    parser.add_argument("--states", default="healthy,down,silent")
    parser.add_argument("--env", action="append", default=[], help="NAME=value for gunicorn")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL database of your own")
    VAR.mkdir(parents=True, exist_ok=True)
    python = str(ROOT / ".venv" / "bin" / "python")
    for command in (["collectstatic", "--noinput", "-v0"], ["migrate", "-v0"], ["seed_demo"]):
        subprocess.run(
            [python, "manage.py", *command],
            cwd=ROOT,
            env={**os.environ, "STATIC_ROOT": str(VAR / "static")},
            check=True,
            stdout=subprocess.DEVNULL,
        )
    django_setup()
    where = target()
    from django.core.cache import cache

    forget_bookings()
    cache.clear()  # the rate-limit counts of an earlier run (this database's own Redis db)
    serials = iter(range(9000, 9999))
    silent = SilentRedis()
    urls = {
        "healthy": os.environ.get("REDIS_URL", ""),
        "down": f"redis://127.0.0.1:{free_port()}/0",
        "silent": silent.url,
    }
    rows = []
    for state in options.states.split(","):
        rows += run_state(state, urls[state], options, where, serials)
    forget_bookings()

    print(f"code: {options.code}   load average: {Path('/proc/loadavg').read_text().split()[:3]}")
    print(f"{'Redis':8} {'request':34} {'n':>3} {'statuses':>10} {'p50 ms':>8} {'max ms':>8}")
    for state, name, n, statuses, p50, worst in rows:
        p50_text = f"{p50:8.0f}" if p50 is not None else " " * 8
        worst_text = f"{worst:8.0f}" if worst is not None else " " * 8
        print(f"{state:8} {name:34} {n!s:>3} {statuses!s:>10} {p50_text} {worst_text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
