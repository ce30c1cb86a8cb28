import io

import pytest
from django.core.management import call_command


@pytest.fixture
def demo_data(db):
    """The demo portal (`manage.py seed_demo`): offices, services, slots, staff, as each app
    seeds them, so the walk meets every page a real deployment has."""
    call_command("seed_demo", stdout=io.StringIO())
