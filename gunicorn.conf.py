"""gunicorn settings for ktpportal (used by the Dockerfile, compose and bench/).

Workers: the portal's views are short and mostly wait on PostgreSQL, so sync workers,
(2 x cores) + 1 of them, serve best without the complexity of threads or gevent: each
worker holds its own small connection pool (DATABASE_POOL_MAX). Override with
GUNICORN_WORKERS / GUNICORN_THREADS.

preload_app: Django is imported once in the master and the workers are forked from it.
Measured by bench/ (docs/benchmarks.md): without it every worker, including each one
recycled by max_requests, spent about 2 s booting and building the holiday calendar on
its first date page, and the slot picker fell to a few requests per second while that
happened. No database connection is opened before the fork (the pool is made lazily).

max_requests: off unless GUNICORN_MAX_REQUESTS is set. Recycling a worker every 2,000
requests (the previous setting) put every page's p99 at 120-1,300 ms under load, the trivial
view's too: at a few hundred requests a second each worker was replaced every few seconds,
and a fresh worker opens its connection pool and compiles its templates on its first
requests. Without recycling the trivial view's p99 fell from 182 ms to 8 ms; bench/ records
the workers' memory before and after its load (docs/benchmarks.md), and it does not grow.
Set GUNICORN_MAX_REQUESTS (for example 50000) if a deployment's does.

Metrics (ktpportal/metrics.py): every worker counts requests and bookings in its own
process, and a scrape reaches one worker only. prometheus-client's multiprocess mode makes
each worker write its counts to files in PROMETHEUS_MULTIPROC_DIR, which the scrape adds up.
The directory is made here (a private temporary one unless PROMETHEUS_MULTIPROC_DIR names
one), before Django is loaded: prometheus-client picks its mode when first imported.
"""

import datetime
import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
preload_app = True
timeout = 30
graceful_timeout = 20
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
# Access lines never carry a NIK: lookups are POSTs and no URL holds one.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'

# This file is read again on a reload (SIGHUP): the directory made the first time is kept.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="ktpportal-metrics-")
    os.environ["KTPPORTAL_METRICS_DIR_OWNED"] = "1"
Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)


def on_starting(server):
    """Counts left by an earlier run in a directory that outlived it are not this run's.
    Only prometheus-client's own files are removed, whatever else the directory holds."""
    for kind in ("counter", "gauge", "histogram", "summary"):
        for leftover in Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).glob(f"{kind}_*.db"):
            leftover.unlink()


def child_exit(server, worker):
    """A worker that is gone keeps its counts but leaves its live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if os.environ.get("KTPPORTAL_METRICS_DIR_OWNED"):
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def when_ready(server):
    """Build this year's and next year's holiday calendars, in both languages, in the master
    (about 1.5 s of CPU each, cached per process): forked workers inherit them warm."""
    from django.utils import translation

    from antrean.calendar_rules import holiday_reason

    year = datetime.date.today().year
    for language in ("id", "en"):
        with translation.override(language):
            for day in (datetime.date(year, 1, 2), datetime.date(year + 1, 1, 2)):
                holiday_reason(day)
