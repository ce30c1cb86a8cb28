import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from antrean.calendar_rules import plan_days
from status.models import Application, StatusChange
from status.stages import Stage


@pytest.mark.django_db
def test_demo_seed_makes_lookups_possible_and_runs_twice(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    count = Application.objects.count()
    assert count >= 5
    assert Application.objects.filter(stage=Stage.SIAP_DIAMBIL).exists()
    demo = Application.objects.filter(stage=Stage.BERKAS_KURANG).select_related("citizen").first()
    assert f"{demo.receipt_number} / {demo.citizen.nik}" in out.getvalue()

    changes = StatusChange.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert (Application.objects.count(), StatusChange.objects.count()) == (count, changes)

    page = client.post("/status/", {"receipt_number": demo.receipt_number, "nik": demo.citizen.nik})
    assert page.status_code == 200
    assert "Fotokopi buku nikah" in page.text


@pytest.mark.django_db
def test_demo_timelines_are_at_office_hours_on_working_days():
    """Seeded at 23.08 on a Monday night: every visit and stage change of the demo still
    falls on a working day of its office, within its hours, in its own zone."""
    monday_night = datetime.datetime(2026, 12, 7, 16, 8, tzinfo=datetime.UTC)  # 23.08 WIB
    with time_machine.travel(monday_night, tick=False):
        call_command("seed_demo", stdout=io.StringIO())
    moments = [
        (change.application.office, change.changed_at)
        for change in StatusChange.objects.select_related("application__office")
    ]
    moments += [(a.office, a.created_at) for a in Application.objects.select_related("office")]
    assert len({office.tz_label for office, _ in moments}) == 3
    for office, moment in moments:
        local = timezone.localtime(moment, office.tz)
        [plan] = plan_days(office=office, start=local.date(), days=1)
        assert local.weekday() < 5, (office.slug, local)
        assert any(start <= local.time() < end for start, end in plan.intervals), (
            office.slug,
            local,
        )
