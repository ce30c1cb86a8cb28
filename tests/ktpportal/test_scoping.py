import pytest
from django.contrib.auth import get_user_model

from ktpportal.models import Office, StaffRole
from ktpportal.scoping import offices_for, scope_to_offices
from ktpportal.seed import grant
from tests.factories import make_office, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_offices():
    return make_office(name="Kantor A"), make_office(name="Kantor B", regency_code="7371")


def test_staff_see_only_their_offices(two_offices):
    a, b = two_offices
    staff = make_staff(a)
    assert list(offices_for(staff)) == [a]
    assert list(scope_to_offices(Office.objects.all(), staff, "")) == [a]


def test_role_filter_and_superuser(two_offices):
    a, b = two_offices
    staff = make_staff(a, role=StaffRole.COUNTER)
    assert not offices_for(staff, role=StaffRole.ADMIN).exists()
    boss = get_user_model().objects.create_superuser("boss", password="x")
    assert set(offices_for(boss)) == {a, b}


def test_inactive_or_anonymous_users_see_nothing(two_offices):
    from django.contrib.auth.models import AnonymousUser

    a, _ = two_offices
    staff = make_staff(a)
    staff.is_active = False
    assert not offices_for(staff).exists()
    assert not offices_for(AnonymousUser()).exists()


def test_office_admin_cannot_open_another_office_in_admin(client, two_offices):
    a, b = two_offices
    grant(StaffRole.ADMIN, "ktpportal", ["view", "change"], ["office"])
    staff = make_staff(a, role=StaffRole.ADMIN)
    client.force_login(staff)
    listing = client.get("/admin/ktpportal/office/")
    assert listing.status_code == 200
    assert "Kantor A" in listing.text and "Kantor B" not in listing.text
    # A hand-made URL to the other office is "not found" (the admin redirects with a notice).
    crafted = client.get(f"/admin/ktpportal/office/{b.pk}/change/")
    assert crafted.status_code == 302
    posted = client.post(f"/admin/ktpportal/office/{b.pk}/change/", {"name": "Diretas"})
    assert posted.status_code == 302
    b.refresh_from_db()
    assert b.name == "Kantor B"
    assert client.get(f"/admin/ktpportal/office/{a.pk}/change/").status_code == 200
