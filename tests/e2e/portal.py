"""A small real portal: one office with its booking calendar and slots, the national service
types and checklists, and a counter staff member, made by the apps' own seeding code (the
full `seed_demo` takes too long to run before every test)."""

import io
from types import SimpleNamespace

STAFF_PASSWORD = "sandi-petugas-uji-2026"


def build_portal() -> SimpleNamespace:
    from django.core.cache import cache

    from antrean import demo as antrean_demo
    from dokumen import demo as dokumen_demo
    from ktpportal.models import StaffRole
    from ktpportal.seed import grant, seed_service_types
    from status import demo as status_demo
    from tests.conftest import restore_regions
    from tests.factories import make_office, make_staff

    cache.clear()  # rate-limit counters of earlier tests (Redis outlives a test's database)
    restore_regions()
    seed_service_types()
    office = make_office(
        regency_code="3174",
        slug="jaksel",
        name="Sudin Dukcapil Kota Jakarta Selatan",
        address="Jl. Prapanca Raya No. 9, Jakarta Selatan",
    )
    out = io.StringIO()
    dokumen_demo.seed(out)
    antrean_demo.seed(out)
    status_demo.grant_roles()
    grant(StaffRole.COUNTER, "ktpportal", ["view"], ["office", "servicetype"])
    staff = make_staff(office, role=StaffRole.COUNTER, username="loket", password=STAFF_PASSWORD)
    return SimpleNamespace(office=office, staff=staff, staff_password=STAFF_PASSWORD)
