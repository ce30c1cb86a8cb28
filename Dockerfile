# ktpportal: production image. Installs exactly what uv.lock pins (no dev tools).
FROM python:3.12-slim AS base

# Dependencies are compiled to bytecode at build (UV_COMPILE_BYTECODE): with
# PYTHONDONTWRITEBYTECODE nothing is cached at run time, and each worker would compile what
# it imports late, e.g. kombu's Redis transport on its first publish (over a second).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    PATH=/opt/venv/bin:$PATH

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN pip install --no-cache-dir uv==0.13.8 \
    && uv sync --frozen --no-dev --no-install-project \
    && pip uninstall -y uv

COPY . .
RUN python manage.py compilemessages --ignore=.venv -v0 \
    && python manage.py collectstatic --noinput -v0 \
    && useradd --system --uid 10001 --home /app ktp \
    && chown -R ktp /app/var

USER ktp
EXPOSE 8000
# Readiness: 503 only when this container cannot serve pages (database, static files), never
# for Redis, without which pages are still served (docs/operations.md).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz/ready', timeout=4).status != 200)"
CMD ["gunicorn", "--config", "gunicorn.conf.py", "ktpportal.wsgi"]
