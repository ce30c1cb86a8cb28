"""gunicorn settings for ktpportal (used by the Dockerfile, compose and bench/).

Workers: the portal's views are short and mostly wait on PostgreSQL, so sync workers,
(2 x cores) + 1 of them, serve best without the complexity of threads or gevent: each
worker holds its own small connection pool (DATABASE_POOL_MAX). Override with
GUNICORN_WORKERS / GUNICORN_THREADS.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then, so a slow leak never takes a worker down at peak.
max_requests = 2000
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
# Access lines never carry a NIK: lookups are POSTs and no URL holds one.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
