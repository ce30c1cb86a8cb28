"""`make bench`: the portal under load, on one machine, against the limits of its own stack.

Starts the portal as production runs it (gunicorn with gunicorn.conf.py, PostgreSQL with the
connection pool, Redis, DEBUG off, a random SECRET_KEY, collected static files) on a database
of its own, fills it, loads it with wrk and a booking rush, and prints one table. The figures
and the machine go into docs/benchmarks.md. Whatever happens, everything it started is
stopped and the database dropped; the whole run is bounded by --deadline.

    .venv/bin/python bench/run.py            # full size: 500 offices, 1,000,000 applications
    .venv/bin/python bench/run.py --small    # 20 offices, 10,000 applications, 3 s runs
    .venv/bin/python bench/run.py --jobs     # only the periodic jobs (bench/jobs.py)

The full run ends with the periodic jobs, on a database of their own (`<name>_jobs`).
BENCH_DB_NAME names the database (default ktp_bench), so that runs side by side do not
drop each other's.
"""

import argparse
import datetime
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PY = ROOT / ".venv" / "bin"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = os.environ.get("BENCH_DB_NAME", "ktp_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
HOST = "127.0.0.1"


class Deadline(Exception):
    pass


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def environment(port: int, db_name: str) -> dict[str, str]:
    """Production settings, on the bench's own database and Redis db, plain HTTP on loopback."""
    db_url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + db_name
    return {
        "DATABASE_URL": db_url,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "SECURE_SSL": "0",
        "DATABASE_POOL": "1",
        "ALLOWED_HOSTS": f"{HOST},localhost,testserver",
        "STATIC_ROOT": str(VAR / "static"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(VAR / "mail"),
        "SHORT_MESSAGE_BACKEND": "ktpportal.notifications.channels.FileShortMessageBackend",
        "SHORT_MESSAGE_FILE": str(VAR / "short-messages.jsonl"),
        # The limits (40 lookups and 30 bookings an hour per address) would turn a load from
        # one address into 429s after a second: measured without them (docs/benchmarks.md).
        "RATELIMIT_ENABLE": "0",
        "GUNICORN_BIND": f"{HOST}:{port}",
        "DJANGO_SETTINGS_MODULE": "ktpportal.settings",
    }


class Processes:
    """What the run started; stopped in reverse order, by process group, whatever happened."""

    def __init__(self):
        self.running: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        out = open(VAR / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            argv, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()
        self.running.append((name, process))
        return process

    def stop(self, name: str) -> None:
        for entry in [e for e in self.running if e[0] == name]:
            self._stop(*entry)
            self.running.remove(entry)

    def stop_all(self) -> None:
        while self.running:
            self._stop(*self.running.pop())

    @staticmethod
    def _stop(name: str, process: subprocess.Popen) -> None:
        if process.poll() is not None:
            return
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=25)
        except subprocess.TimeoutExpired:
            log(f"{name} did not stop in 25 s: killed")
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def missing(*, load: bool) -> str:
    """What the run cannot do without, in one line ("" when nothing is missing): checked
    before anything is created, so a fresh machine gets a sentence, not a traceback."""
    if load and shutil.which("wrk") is None:
        return "make bench needs wrk: install it (Debian/Ubuntu: sudo apt-get install wrk)"
    try:
        admin_sql("SELECT 1")
    except Exception as error:
        # The variables' names, not their values: a URL may carry a password.
        reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return f"make bench needs PostgreSQL (a superuser) at BENCH_PG_ADMIN_URL: {reason}"
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=5, socket_connect_timeout=5).ping()
    except Exception as error:
        return f"make bench needs Redis at BENCH_REDIS_URL: {error}"
    return ""


def admin_sql(*statements: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        for statement in statements:
            conn.execute(statement)


def manage(*args: str, timeout: int) -> None:
    subprocess.run([PY / "python", "manage.py", *args], cwd=ROOT, check=True, timeout=timeout)


def wait_healthy(base_url: str, timeout: float) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the portal did not answer /healthz within {timeout:.0f} s")


def machine() -> dict[str, str]:
    import django
    from django.db import connection

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
    import gunicorn
    import redis

    redis_version = redis.Redis.from_url(REDIS_URL).info()["redis_version"]
    return {
        "cpu": f"{os.cpu_count()} cores, {cpu}",
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": f"{pg} (shared_buffers {shared_buffers})",
        "redis": redis_version,
        "gunicorn": gunicorn.__version__,
        "load average at the end (1, 5, 15 min)": " ".join(_loadavg()),
    }


def _loadavg() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="develop: small volume, short runs")
    parser.add_argument("--deadline", type=int, default=20 * 60, help="seconds for everything")
    parser.add_argument("--no-docs", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--jobs", action="store_true", help="only the periodic jobs")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    options = parser.parse_args()
    problem = missing(load=not options.jobs)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    if options.jobs:
        return run_jobs(options)
    status = run_portal(options)
    # The jobs on a fresh database of their own, in a process of their own.
    argv = [sys.executable, __file__, "--jobs", "--deadline", str(options.deadline)]
    argv += [flag for flag in ("--small", "--no-docs", "--keep-db") if _given(options, flag)]
    return status or subprocess.run(argv, cwd=ROOT, check=False).returncode


def _given(options, flag: str) -> bool:
    return getattr(options, flag.lstrip("-").replace("-", "_"))


def run_portal(options) -> int:
    scale = (
        {"offices": 20, "applications": 10_000, "seconds": 3}
        if options.small
        else {"offices": 500, "applications": 1_000_000, "seconds": 10}
    )
    VAR.mkdir(parents=True, exist_ok=True)
    load_at_start = " ".join(_loadavg())
    port = free_port()
    os.environ.update(environment(port, DB_NAME))
    sys.path.insert(0, str(ROOT))
    _set_deadline(options.deadline)
    processes = Processes()
    created_db = False
    try:
        _create_database(DB_NAME)
        created_db = True
        log(f"database {DB_NAME} created; migrating and collecting static files")
        manage("migrate", "--noinput", "-v0", timeout=300)
        manage("collectstatic", "--noinput", "--clear", "-v0", timeout=300)
        import django

        django.setup()
        from bench import scenarios

        results = scenarios.run(
            base_url=f"http://{HOST}:{port}",
            host=HOST,
            port=port,
            scale=scale,
            bin_dir=PY,
            processes=processes,
            wait_healthy=wait_healthy,
            log=log,
        )
        results["machine"] = {
            **machine(),
            "load average at the start (1, 5, 15 min)": load_at_start,
        }
        results["scale"] = scale
        results["when"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        from bench import report

        print(report.table(results))
        if not options.no_docs:
            report.write_docs(ROOT / "docs" / "benchmarks.md", results)
            log("figures written to docs/benchmarks.md")
        return 0
    finally:
        signal.alarm(0)
        processes.stop_all()
        if created_db:
            _drop_database(DB_NAME, keep=options.keep_db)


def run_jobs(options) -> int:
    """The periodic jobs on their own database (bench/jobs.py)."""
    VAR.mkdir(parents=True, exist_ok=True)
    load_at_start = " ".join(_loadavg())
    db_name = f"{DB_NAME}_jobs"
    os.environ.update(environment(free_port(), db_name))
    sys.path.insert(0, str(ROOT))
    _set_deadline(options.deadline)
    created_db = False
    try:
        _create_database(db_name)
        created_db = True
        log(f"database {db_name} created; migrating")
        manage("migrate", "--noinput", "-v0", timeout=300)
        import django

        django.setup()
        from bench import jobs, report

        results = jobs.run(small=options.small, log=log)
        results["machine"] = {
            **machine(),
            "load average at the start (1, 5, 15 min)": load_at_start,
        }
        results["when"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        print(report.jobs_table(results))
        if not options.no_docs:
            report.write_jobs_docs(ROOT / "docs" / "benchmarks.md", results)
            log("job figures written to docs/benchmarks.md")
        return 0
    finally:
        signal.alarm(0)
        if created_db:
            _drop_database(db_name, keep=options.keep_db)


def _set_deadline(seconds: int) -> None:
    def out_of_time(signum, frame):
        raise Deadline(f"the run passed its deadline of {seconds} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.signal(signal.SIGTERM, out_of_time)
    signal.alarm(seconds)


def _create_database(name: str) -> None:
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    _flush_redis()


def _drop_database(name: str, *, keep: bool) -> None:
    _close_django_connections()
    _flush_redis()
    if keep:
        log(f"everything stopped, database {name} kept")
        return
    admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    log(f"everything stopped, database {name} dropped")


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL, socket_timeout=5).flushdb()


def _close_django_connections() -> None:
    from django.apps import apps

    if not apps.ready:
        return
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        conn.close()
        if hasattr(conn, "close_pool"):
            conn.close_pool()


if __name__ == "__main__":
    sys.exit(main())
