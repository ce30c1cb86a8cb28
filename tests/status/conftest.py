import pytest
from django.core.cache import cache

from tests.factories import make_office, make_service_type, make_staff


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # django-ratelimit counts in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def office_a(db):
    return make_office(name="Kantor A")


@pytest.fixture
def office_b(db):
    # In Makassar (WITA), so zone labels are checked against a second zone.
    return make_office(name="Kantor B", regency_code="7371")


@pytest.fixture
def service(db):
    return make_service_type(code="baru-uji", name="KTP-el baru", promised_hours=24)


@pytest.fixture
def staff_a(office_a):
    from ktpportal.models import StaffRole
    from status.demo import grant_roles

    grant_roles()
    return make_staff(office_a, role=StaffRole.COUNTER)
