import pytest

from ktpportal.seed import seed_service_types


@pytest.fixture
def seeded(db):
    """The nine service types and their national lists, as `seed_requirements` makes them."""
    from dokumen.seed import seed_requirements

    seed_service_types()
    seed_requirements()
