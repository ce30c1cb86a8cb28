import io

import pytest
from django.core.management import call_command

from dokumen.checklist import checklist_for
from dokumen.models import OfficeRequirementChange, Requirement
from dokumen.seed import REQUIREMENTS, seed_requirements
from ktpportal.models import Office, ServiceType
from ktpportal.seed import SERVICE_TYPES

pytestmark = pytest.mark.django_db


def test_every_seeded_service_has_a_list():
    assert set(REQUIREMENTS) == {row[0] for row in SERVICE_TYPES}


def test_every_active_service_has_requirements_with_a_legal_basis(seeded):
    services = ServiceType.objects.active()
    assert services.count() == 9
    for service in services:
        items = checklist_for(service).items
        assert items, service.code
        assert all(item.name and item.copy_kind for item in items)
    assert not Requirement.objects.filter(legal_basis="").exists()
    assert not Requirement.objects.filter(seed_key="").exists()


def test_lists_follow_the_domain_notes(seeded):
    def names(code):
        return [i.name for i in checklist_for(ServiceType.objects.get(code=code)).items]

    assert names("hilang") == [
        "Kartu Keluarga (KK)",
        "Surat keterangan hilang dari kepolisian",
    ]
    assert "Buku nikah / akta perkawinan" in names("baru-menikah")
    assert names("wna-perpanjangan") == [
        "Kartu Keluarga (KK)",
        "KTP-el WNA lama",
        "Paspor (dokumen perjalanan)",
        "Kartu Izin Tinggal Tetap (KITAP)",
    ]
    for code in REQUIREMENTS:
        assert len(checklist_for(ServiceType.objects.get(code=code)).as_short_text()) <= 100


def test_rerun_creates_nothing_and_keeps_staff_edits(seeded):
    count = Requirement.objects.count()
    kk = Requirement.objects.get(seed_key="baru-17/kk")
    kk.name = "KK asli dan fotokopi"
    kk.save()
    police = Requirement.objects.get(seed_key="hilang/surat-kehilangan")
    police.is_active = False
    police.save()

    assert seed_requirements() == 0
    assert Requirement.objects.count() == count
    kk.refresh_from_db()
    police.refresh_from_db()
    assert kk.name == "KK asli dan fotokopi" and not police.is_active


def test_seed_skips_missing_service_types_and_fills_them_in_later(db):
    assert seed_requirements() == 0
    ServiceType.objects.create(code="rusak", name="Rusak")
    assert seed_requirements() == 2
    assert Requirement.objects.filter(service_type__code="rusak").count() == 2


def test_seed_requirements_command_can_be_rerun(db):
    out = io.StringIO()
    call_command("seed_requirements", stdout=out)
    first = Requirement.objects.count()
    assert first > 9 and f"requirements: {first} created" in out.getvalue()
    call_command("seed_requirements", stdout=out)
    assert Requirement.objects.count() == first
    assert "requirements: 0 created" in out.getvalue()


def test_demo_gives_kab_bandung_a_cover_letter_for_new_cards(db):
    from dokumen import demo as dokumen_demo
    from ktpportal import demo as ktpportal_demo

    out = io.StringIO()
    ktpportal_demo.seed(out)
    dokumen_demo.seed(out)
    dokumen_demo.seed(out)  # idempotent

    baru_17 = ServiceType.objects.get(code="baru-17")
    bandung = Office.objects.get(slug="kab-bandung")
    assert OfficeRequirementChange.objects.count() == 1
    assert [i.name for i in checklist_for(baru_17, bandung).items] == [
        "Kartu Keluarga (KK)",
        "Surat pengantar RT/RW",
    ]
    jaksel = Office.objects.get(slug="jaksel")
    assert [i.name for i in checklist_for(baru_17, jaksel).items] == ["Kartu Keluarga (KK)"]
