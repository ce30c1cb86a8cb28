# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.8
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup messages static lint format worker beat bench bench-jobs clean

## Create the virtualenv, install exactly what uv.lock pins, compile the translations and
## collect the static files: everything a process needs before it serves a page.
setup: $(VENV)/.synced messages static

$(VENV)/.synced: uv.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.12+ is needed; found " + sys.version.split()[0]) if sys.version_info < (3, 12) else None'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	UV_PROJECT_ENVIRONMENT=$(VENV) $(VENV)/bin/uv sync --frozen --inexact --quiet
	touch $@

## Compile the committed .po translations to .mo (needs gettext's msgfmt).
messages: $(VENV)/.synced
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var -v0

## Copy the static files into STATIC_ROOT (var/static) with their manifest: without it,
## production's storage fails every page (manage.py check warns: ktpportal.W001).
static: $(VENV)/.synced
	$(PY) manage.py collectstatic --noinput -v0

## Serve the portal with demo data on the embedded defaults (SQLite, console email, eager tasks).
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Portal: http://$(HOST):$(PORT)/  admin: http://$(HOST):$(PORT)/admin/ (README: demo users)"
	$(PY) manage.py runserver $(HOST):$(PORT)

## The whole test suite. With DATABASE_URL/REDIS_URL set it runs on PostgreSQL and Redis.
test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.synced
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Celery worker and beat (needs REDIS_URL). Run exactly one beat per deployment.
worker: setup
	$(VENV)/bin/celery -A ktpportal worker --loglevel=INFO --concurrency=2

beat: setup
	$(VENV)/bin/celery -A ktpportal beat --loglevel=INFO

## Benchmarks (issue 8): needs PostgreSQL and Redis running, and wrk (installed here when
## missing, as root on Debian); 10-20 minutes, docs/benchmarks.md.
bench: setup
	bench/needs.sh
	$(PY) bench/run.py

## Only the periodic jobs at 1,000,000 bookings (the last part of `make bench`): a few minutes.
bench-jobs: setup
	$(PY) bench/run.py --jobs

clean:
	rm -rf $(VENV) var db.sqlite3 .pytest_cache
