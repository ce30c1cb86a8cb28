import io

import pytest
from django.core.management import call_command

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
