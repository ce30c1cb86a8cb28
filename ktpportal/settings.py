"""Settings for ktpportal, read from the environment (see README, "Configuration").

With nothing set, the embedded default serves: a SQLite file, console email, Celery tasks
run eagerly in-process and a local-memory cache. Set DATABASE_URL and REDIS_URL to run on
PostgreSQL and Redis.
"""

import datetime
import ipaddress
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ktpportal.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

DATABASE_URL = env_str("DATABASE_URL")
REDIS_URL = env_str("REDIS_URL")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if DATABASE_URL and not DEBUG:
        # A deployment on a real database must never run on a key that is in the repository.
        raise ImproperlyConfigured("SECRET_KEY must be set when DATABASE_URL is set.")
    SECRET_KEY = "django-insecure-embedded-default-only-for-local-use"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "ktpportal.apps.KtpPortalConfig",
    "ktpportal.notifications.apps.NotificationsConfig",
    "dokumen.apps.DokumenConfig",
    "antrean.apps.AntreanConfig",
    "status.apps.StatusConfig",
    "whitenoise.runserver_nostatic",
    # Before the admin, which must find the translated fields registered (translation.py).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ktpportal.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ktpportal.urls"
WSGI_APPLICATION = "ktpportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ktpportal.context_processors.agency",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(DATABASE_URL)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {exc}") from None
    if _db["ENGINE"] == "django.db.backends.postgresql":
        # Connections are PostgreSQL's scarce resource: docs/operations.md does the sums.
        _behind_pgbouncer = env_bool("DATABASE_PGBOUNCER", False)
        if _behind_pgbouncer:
            # PgBouncer in transaction pooling mode pools the server connections; Django keeps
            # a cheap client connection to it. A server-side cursor would outlive the
            # transaction PgBouncer lends a server connection for.
            _db["DISABLE_SERVER_SIDE_CURSORS"] = True
            _db["CONN_MAX_AGE"] = 300
            _db["CONN_HEALTH_CHECKS"] = True
        else:
            _db["CONN_MAX_AGE"] = 0  # must stay 0 with Django's pool
        if env_bool("DATABASE_POOL", True) and not _behind_pgbouncer:
            # Django's built-in psycopg 3 pool, one per process: measured here, a DB-backed
            # view without a pool or persistent connections is about 13x slower. A request
            # holds one connection for its thread: a sync gunicorn worker or a Celery child
            # needs one, a gthread worker one per thread, plus one spare while the pool
            # replaces a connection it retired. None is opened ahead of use, and one idle for
            # 10 minutes is closed.
            _pool = {
                "min_size": env_int("DATABASE_POOL_MIN", 0, minimum=0),
                "max_size": env_int(
                    "DATABASE_POOL_MAX", env_int("GUNICORN_THREADS", 1, minimum=1) + 1, minimum=1
                ),
                "timeout": env_int("DATABASE_POOL_TIMEOUT", 10, minimum=1),
            }
            if _pool["min_size"] > _pool["max_size"]:
                raise ImproperlyConfigured("DATABASE_POOL_MIN must not exceed DATABASE_POOL_MAX.")
            _db.setdefault("OPTIONS", {})["pool"] = _pool
    DATABASES = {"default": _db}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
            # failing with "database is locked" half-way through a transaction.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 10,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ---------------------------------------------------------------------
# Redis is an auxiliary (ktpportal/cache.py): every client of it gives up after REDIS_TIMEOUT
# seconds, and after a failure a process skips that Redis for REDIS_RETRY_AFTER seconds. On a
# LAN Redis answers in well under a millisecond; the timeout bounds what a citizen waits for
# one that hangs (redis-py's default is 5 s per call, and kombu's none at all).
REDIS_TIMEOUT = env_float("REDIS_TIMEOUT", 0.3, minimum=0.05)
REDIS_RETRY_AFTER = env_int("REDIS_RETRY_AFTER", 5, minimum=1)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "ktpportal.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ktp",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT,
                "socket_timeout": REDIS_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The database decides what must be sent (the notification outbox); Redis only carries ids.
# Every task is safe to run twice, so the settings below choose "at least once" delivery of
# task messages and let the tasks' conditional updates make the effect happen once.
CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without a broker the embedded default runs tasks in-process, right away.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# No caller reads a task's return value: results would only fill Redis.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
# Acknowledge a message after its task ran, not when a worker takes it: a worker killed
# mid-task leaves the message in Redis to be delivered again...
CELERY_TASK_ACKS_LATE = True
# ...and so does a child process that dies (OOM killer, hard time limit).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One reserved message per process: a killed worker strands few unacknowledged messages,
# and a slow send does not hold back messages another process could take.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task that hangs is interrupted (soft) and then killed (hard); a send's own timeouts
# (EMAIL_TIMEOUT, SHORT_MESSAGE_GATEWAY_TIMEOUT) are far shorter.
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# The periodic jobs that work through the whole country get their own limits (soft, hard;
# seconds), set on their tasks. Each commits batch by batch, so the soft limit stops it with
# the work done kept, and the next run goes on from there. The reminder scan ends before
# beat queues the next one.
CELERY_JOB_TIME_LIMITS = {
    "send-due-reminders": (240, 270),
    "generate-slots-daily": (1200, 1260),
    "purge-personal-data": (1800, 1860),
    # Ends before beat queues the next run (every ten minutes).
    "end-visit-days": (480, 540),
}
# Redis hands an unacknowledged message to another worker after this many seconds. It must
# be longer than the slowest task and than any countdown (a countdown message waits
# unacknowledged in a worker), or Redis would deliver it twice while it waits. Nothing here
# uses a countdown longer than NOTIFICATION_RETRY_BACKOFF_MAX; reminders days ahead come
# from the beat scan of the database, never from ETAs.
_celery_visibility_timeout = env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=300)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _celery_visibility_timeout,
    "socket_connect_timeout": REDIS_TIMEOUT,
    # Without it a publish to a Redis that accepts connections and never answers waits
    # forever. The worker's own wait for messages (BRPOP in its event loop) is not bound by it.
    "socket_timeout": REDIS_TIMEOUT,
}
# Queueing from a citizen's request gives up within one REDIS_TIMEOUT (connecting) plus one
# (the answer), and is not retried: a message that could not be queued stays pending in the
# outbox and the every-minute requeue task sends it later, so a retry would only make the
# citizen wait twice as long for a Redis that is not there.
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 0,
    "interval_start": 0,
    "interval_step": 0,
    "interval_max": 0,
}
# Keep our logging (JSON lines, NIKs masked) in the worker instead of Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Task modules that are not an app's tasks.py (which autodiscovery finds).
CELERY_IMPORTS = ["antrean.reminders", "antrean.visit.closing"]
# Exactly one beat runs per deployment. Each periodic message expires before the next one
# is due, so a worker that was down does not run a backlog of identical scans.
CELERY_BEAT_SCHEDULE = {
    "requeue-pending-notifications": {
        "task": "ktpportal.notifications.tasks.requeue_pending",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "send-due-reminders": {
        "task": "antrean.reminders.send_due_reminders",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # Both also run at once when their event commits; the scan makes good a lost task.
    "send-closure-notices": {
        "task": "antrean.tasks.send_closure_notices",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "send-disruption-notices": {
        "task": "antrean.tasks.send_disruption_notices",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    "generate-slots-daily": {
        "task": "antrean.tasks.generate_slots_daily",
        "schedule": crontab(minute=30, hour=0),
    },
    # 18:15 UTC is a quiet hour in every zone (01:15 WIB, 02:15 WITA, 03:15 WIT).
    "purge-personal-data": {
        "task": "status.tasks.purge_personal_data",
        "schedule": crontab(minute=15, hour=18),
    },
    "clear-expired-sessions": {
        "task": "ktpportal.tasks.clear_expired_sessions",
        "schedule": crontab(minute=45, hour=18),
    },
    # Offices close at different times in three zones: every booking and ticket ends within
    # ten minutes of its day's end (antrean.visit.closing).
    "end-visit-days": {
        "task": "antrean.visit.closing.end_visit_days",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
}

# The outbox: a failed send is tried again after NOTIFICATION_RETRY_BACKOFF seconds, doubled
# each time up to NOTIFICATION_RETRY_BACKOFF_MAX (with jitter), NOTIFICATION_MAX_ATTEMPTS
# times in all (defaults: about an hour). A row still pending NOTIFICATION_REQUEUE_AFTER
# seconds after it was due, or "sending" for NOTIFICATION_SENDING_TIMEOUT seconds (its
# worker died), is queued again by the every-minute requeue task.
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 8, minimum=1)
NOTIFICATION_RETRY_BACKOFF = env_int("NOTIFICATION_RETRY_BACKOFF", 30, minimum=1)
NOTIFICATION_RETRY_BACKOFF_MAX = env_int("NOTIFICATION_RETRY_BACKOFF_MAX", 1800, minimum=1)
NOTIFICATION_REQUEUE_AFTER = env_int("NOTIFICATION_REQUEUE_AFTER", 120, minimum=0)
NOTIFICATION_SENDING_TIMEOUT = env_int("NOTIFICATION_SENDING_TIMEOUT", 600, minimum=1)
if _celery_visibility_timeout <= NOTIFICATION_RETRY_BACKOFF_MAX:
    raise ImproperlyConfigured(
        "NOTIFICATION_RETRY_BACKOFF_MAX must be shorter than CELERY_VISIBILITY_TIMEOUT."
    )
if max(hard for _soft, hard in CELERY_JOB_TIME_LIMITS.values()) >= _celery_visibility_timeout:
    # A job still running when Redis hands its message to another worker would run twice.
    raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must be longer than every job's limit.")
if NOTIFICATION_SENDING_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    # Only a send whose worker is surely dead may be taken over.
    raise ImproperlyConfigured(
        f"NOTIFICATION_SENDING_TIMEOUT must be longer than the task time limit "
        f"({CELERY_TASK_TIME_LIMIT} s)."
    )

# --- Email (Django 6.1 MAILERS) -------------------------------------------------------
EMAIL_BACKEND_PATH = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
_mail_options = {}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25, minimum=1),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10, minimum=1),
    }
    if _mail_options["use_tls"] and _mail_options["use_ssl"]:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
elif EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend"):
    _mail_options = {"file_path": env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))}
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Dukcapil <noreply@ktpportal.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# SMS / WhatsApp: one short message per event on this channel, through this backend.
SHORT_MESSAGE_CHANNEL = env_str("SHORT_MESSAGE_CHANNEL", "sms")
if SHORT_MESSAGE_CHANNEL not in {"sms", "whatsapp"}:
    raise ImproperlyConfigured(
        f"SHORT_MESSAGE_CHANNEL={SHORT_MESSAGE_CHANNEL!r}: use sms or whatsapp."
    )
SHORT_MESSAGE_BACKEND = env_str(
    "SHORT_MESSAGE_BACKEND", "ktpportal.notifications.channels.FileShortMessageBackend"
)
SHORT_MESSAGE_FILE = env_str("SHORT_MESSAGE_FILE")
# For ktpportal.notifications.channels.HTTPGatewayBackend: POSTs JSON with a bearer token.
SHORT_MESSAGE_GATEWAY_URL = env_str("SHORT_MESSAGE_GATEWAY_URL")
SHORT_MESSAGE_GATEWAY_TOKEN = env_str("SHORT_MESSAGE_GATEWAY_TOKEN")
SHORT_MESSAGE_GATEWAY_TIMEOUT = env_int("SHORT_MESSAGE_GATEWAY_TIMEOUT", 10, minimum=1)
if SHORT_MESSAGE_BACKEND.endswith(".HTTPGatewayBackend"):
    if not SHORT_MESSAGE_GATEWAY_URL.startswith(("https://", "http://")):
        raise ImproperlyConfigured("SHORT_MESSAGE_GATEWAY_URL must be an http(s):// URL.")
    if not SHORT_MESSAGE_GATEWAY_TOKEN:
        raise ImproperlyConfigured("SHORT_MESSAGE_GATEWAY_TOKEN must be set for the gateway.")

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Citizen-facing data (service names, requirement texts, closure reasons) has an English
# translation managed in admin (each app's translation.py); where it is empty, the Indonesian
# text is shown (ktpportal/languages.py marks it lang="id").
MODELTRANSLATION_DEFAULT_LANGUAGE = "id"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("id",)
# Admin labels "nama layanan (Indonesia)" / "(Inggris)"; modeltranslation calls Indonesian
# "ind" (its fields are name_ind, name_en: "name_id" would look like a foreign key's column).
_LANGUAGE_IN_ADMIN = {"ind": _("Indonesia"), "en": _("Inggris")}


def _label_in_language(name, lang):
    return format_lazy("{} ({})", name, _LANGUAGE_IN_ADMIN[lang])


MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = _label_in_language
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Database sessions whose cookie is checked before it is looked up (ktpportal/sessions.py).
SESSION_ENGINE = "ktpportal.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Staff sessions end after a working day, or when the browser closes.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Behind TLS (every real deployment) these are on; SECURE_SSL=0 is for plain-HTTP local runs.
SECURE_SSL = env_bool("SECURE_SSL", bool(DATABASE_URL) and not DEBUG)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_SSL else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS >= 31536000)
# Our own proxies in front of gunicorn (compose.yaml: one, Caddy): how many of them append to
# X-Forwarded-For, and the addresses the nearest one connects from. 0 = clients connect
# directly and no forwarded header is believed (ktpportal/net.py, docs/security.md).
if env_bool("BEHIND_PROXY", False):
    # Its old meaning (believe the last X-Forwarded-For entry from anyone) is the bug this
    # replaced: stop rather than run with every client counted as the proxy.
    raise ImproperlyConfigured(
        "BEHIND_PROXY is replaced by TRUSTED_PROXY_COUNT and TRUSTED_PROXIES (README)."
    )
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
try:
    TRUSTED_PROXIES = [
        ipaddress.ip_network(entry, strict=False)
        for entry in env_list("TRUSTED_PROXIES", ["127.0.0.1", "::1"])
    ]
except ValueError as exc:
    raise ImproperlyConfigured(f"TRUSTED_PROXIES cannot be read: {exc}") from None
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Rate limits and login lockouts count the real client, not the proxy (ktpportal/net.py).
RATELIMIT_IP_META_KEY = "ktpportal.net.client_ip"
AXES_CLIENT_IP_CALLABLE = "ktpportal.net.client_ip"
# Probes and the scraper may reach gunicorn directly on the internal network, over HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz(/ready)?$", r"^metrics$"]

# Staff login against guessing (django-axes). The standalone backend refuses a locked-out
# login before the password is even checked, so a right password is refused too.
# Tests log in with `client.force_login(user)`: `client.login()` passes no request to it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
# Per username and address together: counter staff of one office share one public address,
# so locking by address alone would lock the whole office out after one person's typos.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The same 429 page as the rate limits, with the cool-off as the time to wait.
AXES_LOCKOUT_CALLABLE = "ktpportal.views.locked_out"

# --- Logging: one JSON line per event, NIKs masked ------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r} is not a logging level.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_nik": {"()": "ktpportal.logs.MaskNIKFilter"}},
    "formatters": {"json": {"()": "ktpportal.logs.JSONFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["mask_nik"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.security.DisallowedHost": {"level": "ERROR"},
    },
}

# --- Free seats on the date and time pages ----------------------------------------
# Seconds the date and time pages' free seats are kept in the cache; every booking,
# cancellation and staff change drops an office's at once (antrean/availability.py).
AVAILABILITY_CACHE_SECONDS = env_int("AVAILABILITY_CACHE_SECONDS", 30, minimum=0)

# --- Rate limits (ktpportal/ratelimits.py; django-ratelimit's counters in the cache) ---
RATELIMIT_VIEW = "ktpportal.views.ratelimited"
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
# Redis gone, nothing is counted rather than everyone refused: the fail-soft cache answers
# a miss, and django-ratelimit would otherwise take that as over the limit. Why open and not
# a count in PostgreSQL: docs/security.md, "When Redis is gone".
RATELIMIT_FAIL_OPEN = True
# Per client address and hour, sized for thousands of phones behind one carrier address
# (docs/security.md, "Rate limits"): failed lookups or bookings, bookings made, status links.
RATELIMIT_FAILURES_PER_ADDRESS = env_int("RATELIMIT_FAILURES_PER_ADDRESS", 300, minimum=1)
RATELIMIT_BOOKINGS_PER_ADDRESS = env_int("RATELIMIT_BOOKINGS_PER_ADDRESS", 600, minimum=1)
RATELIMIT_LINKS_PER_ADDRESS = env_int("RATELIMIT_LINKS_PER_ADDRESS", 100, minimum=1)
if not REDIS_URL:
    # The embedded default has one process, so a local-memory cache counts correctly.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# --- Metrics (Prometheus: ktpportal/metrics.py, docs/operations.md) -------------------
# /metrics answers only a scraper with METRICS_TOKEN as its bearer token and/or from one of
# METRICS_ALLOWED_NETWORKS (both when both are set). With neither it is a 404 and the
# per-view middleware is left out, so nothing is public, or spent, by accident.
METRICS_TOKEN = env_str("METRICS_TOKEN")
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 32 characters long.")
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS")
for _network in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network)
    except ValueError:
        raise ImproperlyConfigured(
            f"METRICS_ALLOWED_NETWORKS: {_network!r} is not an address or a network "
            "such as 10.0.0.0/8."
        ) from None
if METRICS_TOKEN or METRICS_ALLOWED_NETWORKS:
    # Right after the static files, which are not a view's requests.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
        "ktpportal.metrics.RequestMetricsMiddleware",
    )

# --- Portal ---------------------------------------------------------------------------
# Bookings and applications older than this (past visit, closed application) are erased
# by `manage.py purge_personal_data`, with citizens left without any (docs/security.md).
RETENTION_DAYS = env_int("RETENTION_DAYS", 365, minimum=30)
# Where citizens reach the portal: links in messages written by tasks (no request to ask)
# start with it. Behind TLS the first ALLOWED_HOSTS entry is the natural default; a local run
# is `make run`'s address.
if env_str("PORTAL_URL"):
    PORTAL_URL = env_str("PORTAL_URL").rstrip("/")
elif SECURE_SSL:
    if not ALLOWED_HOSTS or ALLOWED_HOSTS[0].startswith((".", "*")):
        raise ImproperlyConfigured("Set PORTAL_URL: ALLOWED_HOSTS does not name one host.")
    PORTAL_URL = f"https://{ALLOWED_HOSTS[0]}"
else:
    PORTAL_URL = "http://127.0.0.1:8000"
if not PORTAL_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("PORTAL_URL must be an http(s):// URL.")
# Whose site this is, in the header of every page: the deploying Dinas (or office).
AGENCY_NAME = env_str("AGENCY_NAME", "Dinas Kependudukan dan Pencatatan Sipil")
# Demo staff users created by `manage.py seed_demo` get this password (README says so).
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo-ktp-2026")
