"""What the metrics cost: the trivial view with the metrics off and on, and one scrape.

1. CPU per request: the trivial view through the whole middleware stack, called in-process
   (WSGI) 3,000 times, in multiprocess mode as under gunicorn; CPU time, not wall time, so
   other work on the machine weighs little. The best of 7 runs.
2. Throughput: gunicorn as bench/run.py starts it (gunicorn.conf.py, DEBUG off, the pool)
   under wrk, in alternating rounds so that a noisy machine weighs on both sides alike.
3. The time of one scrape, against whatever the database holds.

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/metrics.py

The database must exist and be migrated (any developer's database will do).
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import wrk  # noqa: E402
from bench.run import HOST, PY, VAR, Processes, environment, free_port, log, wait_healthy  # noqa: E402

TOKEN = secrets.token_urlsafe(32)
CPU_PROBE = """
import io, os, time
os.environ["DJANGO_SETTINGS_MODULE"] = "ktpportal.settings"
import django
django.setup()
from django.core.handlers.wsgi import WSGIHandler

handler = WSGIHandler()
def call():
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/bench/trivial", "SERVER_NAME": "127.0.0.1",
               "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1",
               "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http"}
    b"".join(handler(environ, lambda status, headers: None))
for _ in range(500):
    call()
runs = []
for _ in range(7):
    started = time.process_time()
    for _ in range(3000):
        call()
    runs.append((time.process_time() - started) / 3000 * 1e6)
print(min(runs))
"""


def cpu_per_request_us(*, metrics: bool) -> float:
    with tempfile.TemporaryDirectory(prefix="ktpportal-bench-metrics-") as multiproc_dir:
        env = {
            **os.environ,
            **environment(free_port()),
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "REDIS_URL": os.environ["REDIS_URL"],
            "METRICS_TOKEN": TOKEN if metrics else "",
            "PROMETHEUS_MULTIPROC_DIR": multiproc_dir,
            "PYTHONPATH": str(ROOT),
            "PYTHONWARNINGS": "ignore",
        }
        run = subprocess.run(
            [str(PY / "python"), "-c", CPU_PROBE],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    return float(run.stdout.split()[-1])


def serve(processes: Processes, name: str, *, metrics: bool) -> str:
    port = free_port()
    os.environ.update(
        {
            **environment(port),
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "REDIS_URL": os.environ["REDIS_URL"],
            "METRICS_TOKEN": TOKEN if metrics else "",
        }
    )
    processes.start(name, [str(PY / "gunicorn"), "--config", "gunicorn.conf.py", "ktpportal.wsgi"])
    base_url = f"http://{HOST}:{port}"
    wait_healthy(base_url, 60)
    return base_url


def scrape_ms(base_url: str, count: int) -> list[float]:
    times = []
    request = urllib.request.Request(  # noqa: S310 - our own http:// URL
        f"{base_url}/metrics",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    for _ in range(count):
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    options = parser.parse_args()
    VAR.mkdir(parents=True, exist_ok=True)

    cpu = {"off": [], "on": []}
    for _ in range(options.rounds):
        for side in cpu:
            cpu[side].append(cpu_per_request_us(metrics=side == "on"))
    log(f"CPU per trivial request: {cpu}")

    runs = {"off": [], "on": []}
    scrapes = []
    processes = Processes()
    try:
        for n in range(options.rounds):
            for side in runs:
                base_url = serve(processes, f"gunicorn-metrics-{side}", metrics=side == "on")
                trivial = [{"path": "/bench/trivial"}]
                wrk(base_url, trivial, seconds=2, connections=16)  # warm every worker
                run = wrk(base_url, trivial, seconds=options.seconds, connections=16)
                log(f"round {n + 1}, metrics {side}: {run.rps:.0f}/s, p99 {run.p99_ms:.1f} ms")
                runs[side].append(run)
                if side == "on":
                    scrapes += scrape_ms(base_url, 50)
                processes.stop(f"gunicorn-metrics-{side}")
    finally:
        processes.stop_all()

    print("| trivial view | CPU us/request (best) | req/s (median, wrk 16 conn.) | p99 ms |")
    print("|---|---|---|---|")
    for side in runs:
        print(
            f"| metrics {side} | {min(cpu[side]):.0f} "
            f"| {statistics.median(r.rps for r in runs[side]):.0f} "
            f"| {statistics.median(r.p99_ms for r in runs[side]):.1f} |"
        )
    scrapes.sort()
    print(
        f"\nmetrics on: +{min(cpu['on']) - min(cpu['off']):.0f} us of CPU per request; "
        f"one scrape: median {statistics.median(scrapes):.1f} ms, "
        f"slowest of {len(scrapes)} {scrapes[-1]:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
