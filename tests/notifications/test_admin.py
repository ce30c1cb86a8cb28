"""The outbox in the admin: recipients masked, failed rows sent again, offices scoped."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from ktpportal.celery import app as celery_app
from ktpportal.models import StaffRole
from ktpportal.notifications.models import Notification, State
from tests.factories import make_office, make_staff
from tests.notifications import backends
from tests.notifications.conftest import RECORDING_BACKEND, make_notification

CHANGELIST = "admin:notifications_notification_changelist"


def test_list_shows_the_recipient_masked(admin_client, office):
    make_notification(office)

    page = admin_client.get(reverse(CHANGELIST)).content.decode()

    assert "0812\u2022\u2022\u2022\u2022890" in page
    assert "081234567890" not in page


def test_resend_action_sends_failed_rows_again(
    admin_client, office, settings, sends_table, monkeypatch, django_capture_on_commit_callbacks
):
    settings.SHORT_MESSAGE_BACKEND = RECORDING_BACKEND
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    failed = make_notification(office)
    Notification.objects.filter(pk=failed.pk).update(state=State.FAILED, attempts=8)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse(CHANGELIST),
            {"action": "resend", "_selected_action": [failed.pk]},
            follow=True,
        )

    assert "dijadwalkan untuk dikirim ulang" in response.content.decode()
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (State.SENT, 1)
    assert backends.recorded() == {failed.key: 1}


@pytest.mark.django_db
def test_staff_see_only_their_own_offices_rows(client):
    mine, other = make_office(), make_office()
    staff = make_staff(mine, role=StaffRole.ADMIN, is_superuser=False)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_notification", "change_notification"])
    )
    own = make_notification(mine)
    foreign = make_notification(other)
    client.force_login(staff)

    assert (
        client.get(reverse("admin:notifications_notification_change", args=[own.pk])).status_code
        == 200
    )
    assert (
        client.get(
            reverse("admin:notifications_notification_change", args=[foreign.pk])
        ).status_code
        == 302
    )


@pytest.mark.django_db
def test_staff_of_several_offices_filter_by_their_own_offices_only(client):
    first, second = make_office(name="Kantor Satu"), make_office(name="Kantor Dua")
    other = make_office(name="Kantor Orang Lain")
    staff = make_staff(first, role=StaffRole.ADMIN)
    staff.memberships.create(office=second, role=StaffRole.ADMIN)
    staff.user_permissions.add(*Permission.objects.filter(codename="view_notification"))
    for office in (first, second, other):
        make_notification(office)
    client.force_login(staff)

    page = client.get(reverse(CHANGELIST)).content.decode()

    assert "Kantor Satu" in page and "Kantor Dua" in page
    assert "Kantor Orang Lain" not in page  # not even in the office filter
