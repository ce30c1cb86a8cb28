"""Requirement texts and service names in English: seeded for the national lists, managed in
admin, shown on English pages and in English messages; Indonesian text on an English page is
marked lang="id"."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from dokumen.checklist import checklist_for
from dokumen.models import Requirement
from dokumen.seed import REQUIREMENTS, seed_requirements
from ktpportal.models import ServiceType
from ktpportal.seed import SERVICE_TYPES, seed_service_types
from tests.dokumen.factories import add_office_requirement
from tests.factories import make_office

pytestmark = pytest.mark.django_db


def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_every_seeded_service_and_requirement_has_english(seeded):
    assert ServiceType.objects.count() == len(SERVICE_TYPES)
    for service in ServiceType.objects.all():
        assert service.name_en and service.when_applies_en, service.code
        assert service.name_ind and service.name_en != service.name_ind
    assert Requirement.objects.count() == sum(len(seeds) for seeds in REQUIREMENTS.values())
    for requirement in Requirement.objects.all():
        assert requirement.name_en and requirement.short_name_en, requirement.seed_key
        assert requirement.help_text_en, requirement.seed_key
        assert bool(requirement.condition_en) == bool(requirement.condition_ind)


def test_seeding_again_fills_missing_english_and_keeps_what_staff_wrote(seeded):
    kk = Requirement.objects.get(seed_key="baru-17/kk")
    Requirement.objects.filter(pk=kk.pk).update(name_en="Family card", help_text_en="")
    ServiceType.objects.filter(code="hilang").update(name_en=None)

    assert seed_service_types() == 0 and seed_requirements() == 0

    kk.refresh_from_db()
    assert kk.name_en == "Family card"  # staff's English stays
    assert kk.help_text_en == "A KK that lists your name, with up-to-date data."
    assert ServiceType.objects.get(code="hilang").name_en == "Replacing a lost KTP-el"


def test_checklist_page_in_both_languages(client, settings, seeded):
    indonesian = client.get("/dokumen/hilang/").text
    assert "<h1>Penggantian KTP-el hilang</h1>" in indonesian
    assert "Surat keterangan hilang dari kepolisian" in indonesian
    assert "Police report of the loss" not in indonesian

    page = english(client, settings).get("/dokumen/hilang/").text
    assert "<h1>Replacing a lost KTP-el</h1>" in page
    assert '<strong class="checklist-name">Police report of the loss</strong>' in page
    assert "Ask at the nearest Polsek or Polres" in page
    assert "Surat keterangan hilang" not in page
    assert 'lang="id"' not in page.split("<main")[1]  # all of it is English


def test_index_lists_services_in_english(client, settings, seeded):
    page = english(client, settings).get("/dokumen/").text
    assert "Replacing a lost KTP-el" in page
    assert "The KTP-el is lost; bring the police report of the loss." in page


def test_an_office_addition_without_english_is_marked_indonesian(client, settings, seeded):
    service = ServiceType.objects.get(code="hilang")
    office = make_office(name="Kantor Bandung")
    add_office_requirement(
        office,
        service,
        name="Surat pengantar RT/RW",
        help_text="Dari ketua RT dan RW.",
        condition="jika alamat berubah",
        order=30,
    )
    page = english(client, settings).get(f"/dokumen/hilang/?kantor={office.slug}").text
    assert (
        '<strong class="checklist-name"><span lang="id">Surat pengantar RT/RW</span></strong>'
        in page
    )
    assert '<span lang="id">Dari ketua RT dan RW.</span>' in page
    assert '<span lang="id">Jika alamat berubah.</span>' in page
    # The same page in Indonesian needs no mark.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    page = client.get(f"/dokumen/hilang/?kantor={office.slug}").text
    assert '<strong class="checklist-name">Surat pengantar RT/RW</strong>' in page


def test_an_office_addition_with_english_reads_english(client, settings, seeded):
    service = ServiceType.objects.get(code="hilang")
    office = make_office(name="Kantor Bandung")
    add_office_requirement(
        office, service, name="Surat pengantar RT/RW", name_en="Letter from the RT/RW", order=30
    )
    page = english(client, settings).get(f"/dokumen/hilang/?kantor={office.slug}").text
    assert '<strong class="checklist-name">Letter from the RT/RW</strong>' in page
    assert "Surat pengantar" not in page


def test_the_checklist_for_a_message_follows_the_recipients_language(seeded):
    service = ServiceType.objects.get(code="hilang")
    with translation.override("en"):
        checklist = checklist_for(service)
        assert checklist.as_short_text() == "Bring: original KK; police loss report"
        assert "1. Family Card (KK): original" in checklist.as_text()
    with translation.override("id"):
        assert checklist_for(service).as_short_text() == "Bawa: KK asli; surat kehilangan polisi"


def test_staff_manage_the_english_in_admin(client, seeded):
    boss = get_user_model().objects.create_superuser("boss", password="x")
    client.force_login(boss)
    kk = Requirement.objects.get(seed_key="hilang/kk")
    form = client.get(f"/admin/dokumen/requirement/{kk.pk}/change/").text
    assert 'name="name_ind"' in form and 'name="name_en"' in form
    assert "Nama dokumen (Inggris):" in form
    service = ServiceType.objects.get(code="hilang")
    form = client.get(f"/admin/ktpportal/servicetype/{service.pk}/change/").text
    assert 'name="name_en"' in form and 'name="when_applies_en"' in form
