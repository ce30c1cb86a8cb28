"""Where a page spends its time: cProfile over in-process requests on a small bench database.

    .venv/bin/python bench/hotspots.py                 # status lookup, date and time pages
    .venv/bin/python bench/hotspots.py --requests 200 --top 40

Same settings and data as bench/run.py --small (its own database, dropped at the end); no
server, so the profile holds only the portal's own code, Django and the database driver.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import DB_NAME, admin_sql, environment, free_port, manage  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--top", type=int, default=25)
    options = parser.parse_args()
    os.environ.update(environment(free_port()))
    admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)', f'CREATE DATABASE "{DB_NAME}"')
    try:
        manage("migrate", "--noinput", "-v0", timeout=300)
        import django

        django.setup()
        _profile(options.requests, options.top)
    finally:
        from bench.run import _close_django_connections

        _close_django_connections()
        admin_sql(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    return 0


def _profile(requests: int, top: int) -> None:
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from antrean import availability
    from antrean.models import OfficeService
    from bench import generate, scenarios

    # The test client renders templates with the manifest storage's hashed names, which
    # needs collectstatic; the profile is about the view, not static file names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    offices = generate.reference_data(offices=20)
    generate.slots(offices=offices)
    generate.applications(count=10_000, offices=offices, seed=1)
    generate.analyze()
    office = offices[0]
    service = OfficeService.objects.offered(office).select_related("service_type")[0].service_type
    day = scenarios._next_days(office, 3)[2]
    form = scenarios._sample_forms(1)[0]
    client = Client()
    dates = reverse("antrean:dates", args=[office.slug, service.code])
    times = reverse("antrean:times", args=[office.slug, service.code, day])

    def fresh(path):
        # As after a booking: the office's cached lists dropped (antrean/availability.py).
        availability.forget(office)
        return client.get(path)

    pages = {
        "status lookup": lambda: client.post(reverse("status:index"), form),
        "date page, cache dropped": lambda: fresh(dates),
        "date page, from the cache": lambda: client.get(dates),
        "time page, cache dropped": lambda: fresh(times),
        "time page, from the cache": lambda: client.get(times),
    }
    for name, call in pages.items():
        call()  # warm: first-request imports and caches are not what is measured
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(requests):
            call()
        profiler.disable()
        each = (time.perf_counter() - started) / requests * 1000
        print(f"\n=== {name}: {each:.1f} ms per request (profiled) ===")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


if __name__ == "__main__":
    sys.exit(main())
