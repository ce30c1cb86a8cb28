import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from ktpportal.models import Office, ServiceType, StaffMembership

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_covers_three_zones(settings):
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Office.objects.count(), ServiceType.objects.count(), StaffMembership.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (
        Office.objects.count(),
        ServiceType.objects.count(),
        StaffMembership.objects.count(),
    )
    assert {o.tz_label for o in Office.objects.all()} == {"WIB", "WITA", "WIT"}
    assert ServiceType.objects.count() >= 9
    for office in Office.objects.all():
        assert office.memberships.count() == 2
    user = get_user_model().objects.get(username="jayapura-loket")
    assert user.check_password(settings.DEMO_PASSWORD)


def test_seed_keeps_staff_edits():
    call_command("seed_demo", stdout=io.StringIO())
    ServiceType.objects.filter(code="hilang").update(name="Ganti KTP hilang")
    call_command("seed_demo", stdout=io.StringIO())
    assert ServiceType.objects.get(code="hilang").name == "Ganti KTP hilang"
