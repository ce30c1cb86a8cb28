"""checklist_for, its text forms, and the shared include."""

import re

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from dokumen.checklist import Checklist, ChecklistItem, checklist_for
from dokumen.models import CopyKind
from tests.dokumen.factories import add_office_requirement, make_requirement, mark_not_needed
from tests.factories import make_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def lost_card(service_type):
    kk = make_requirement(
        service_type,
        name="Kartu Keluarga (KK)",
        short_name="KK asli",
        help_text="KK terbaru dari Dukcapil.",
        order=1,
    )
    police = make_requirement(
        service_type,
        name="Surat keterangan hilang dari kepolisian",
        short_name="surat kehilangan polisi",
        order=2,
    )
    return kk, police


def test_national_list_in_order(service_type, lost_card):
    checklist = checklist_for(service_type)
    assert checklist.service_type == service_type and checklist.office is None
    assert [i.name for i in checklist.items] == [
        "Kartu Keluarga (KK)",
        "Surat keterangan hilang dari kepolisian",
    ]
    first = checklist.items[0]
    assert (first.copy_kind, first.quantity, first.condition, first.from_office) == (
        "asli",
        1,
        "",
        False,
    )


def test_inactive_requirements_are_left_out(service_type, lost_card):
    kk, police = lost_card
    police.is_active = False
    police.save()
    assert [i.name for i in checklist_for(service_type).items] == ["Kartu Keluarga (KK)"]


def test_office_changes_reach_only_that_office(service_type, lost_card):
    kk, police = lost_card
    bandung, other = make_office(), make_office()
    add_office_requirement(bandung, service_type, name="Surat pengantar RT/RW", order=1)
    mark_not_needed(bandung, police)

    mine = checklist_for(service_type, bandung)
    assert [(i.name, i.from_office) for i in mine.items] == [
        ("Kartu Keluarga (KK)", False),
        ("Surat pengantar RT/RW", True),
    ]
    # Another office, and the national list, are untouched.
    expected = ["Kartu Keluarga (KK)", "Surat keterangan hilang dari kepolisian"]
    assert [i.name for i in checklist_for(service_type, other).items] == expected
    assert [i.name for i in checklist_for(service_type).items] == expected


def test_office_changes_to_one_service_leave_others_alone(service_type, lost_card):
    from tests.factories import make_service_type

    kk, _ = lost_card
    damaged = make_service_type()
    make_requirement(damaged, name="KTP-el yang rusak")
    office = make_office()
    add_office_requirement(office, service_type, name="Surat pernyataan")
    mark_not_needed(office, kk)
    assert [i.name for i in checklist_for(damaged, office).items] == ["KTP-el yang rusak"]


def test_query_count_does_not_grow_with_items(
    service_type, django_assert_max_num_queries, django_assert_num_queries
):
    office = make_office()
    for n in range(30):
        requirement = make_requirement(service_type)
        add_office_requirement(office, service_type)
        if n % 3 == 0:
            mark_not_needed(office, requirement)
    with django_assert_max_num_queries(2):
        checklist = checklist_for(service_type, office)
    assert len(checklist.items) == 50
    with django_assert_num_queries(1):
        assert len(checklist_for(service_type).items) == 30


def _item(name, **fields):
    fields = {
        "help_text": "",
        "copy_kind": "asli",
        "quantity": 1,
        "condition": "",
        "from_office": False,
        **fields,
    }
    return ChecklistItem(name=name, **fields)


def test_as_text_is_a_numbered_list_with_help_and_conditions(service_type):
    checklist = Checklist(
        service_type=service_type,
        office=None,
        items=(
            _item("Kartu Keluarga (KK)", help_text="KK terbaru."),
            _item(
                "Buku nikah / akta perkawinan",
                copy_kind="fotokopi",
                quantity=2,
                condition="jika menikah sebelum 17 tahun",
            ),
        ),
    )
    assert checklist.as_text() == (
        "1. Kartu Keluarga (KK): asli\n"
        "   KK terbaru.\n"
        "2. Buku nikah / akta perkawinan: fotokopi, 2 lembar (jika menikah sebelum 17 tahun)"
    )


def test_as_short_text_fits_one_sms_line(service_type, lost_card):
    assert checklist_for(service_type).as_short_text() == ("Bawa: KK asli; surat kehilangan polisi")
    many = Checklist(
        service_type=service_type,
        office=None,
        items=tuple(_item(f"Dokumen panjang nomor {n}") for n in range(1, 10)),
    )
    short = many.as_short_text()
    assert len(short) <= 100
    assert short.startswith("Bawa: Dokumen panjang nomor 1; Dokumen panjang nomor 2; ")
    assert short.endswith("; dll.")
    assert Checklist(service_type=service_type, office=None, items=()).as_short_text() == ""


def test_as_short_text_cuts_a_single_overlong_name(service_type):
    checklist = Checklist(
        service_type=service_type, office=None, items=(_item("Surat " + "sangat " * 20),)
    )
    short = checklist.as_short_text()
    assert len(short) <= 100 and short.startswith("Bawa: Surat sangat") and short.endswith("dll.")


def test_copy_kind_label_follows_the_active_language(service_type):
    make_requirement(service_type, name="Paspor", copy_kind=CopyKind.ORIGINAL_AND_COPY)
    checklist = checklist_for(service_type)
    assert checklist.as_text() == "1. Paspor: asli dan fotokopi"
    with translation.override("en"):
        assert checklist.as_text() == "1. Paspor: original and photocopy"


def test_include_renders_an_accessible_list(service_type, lost_card):
    html = render_to_string("dokumen/_checklist.html", {"checklist": checklist_for(service_type)})
    assert '<ol class="checklist checklist-items">' in html
    assert html.count('<li class="checklist-item">') == 2
    assert "Kartu Keluarga (KK)" in html and "KK terbaru dari Dukcapil." in html
    assert "<input" not in html and "<script" not in html


def test_include_tickable_has_labelled_checkboxes_in_a_get_form(service_type, lost_card):
    kk, police = lost_card
    office = make_office(slug="kab-uji")
    html = render_to_string(
        "dokumen/_checklist.html",
        {
            "checklist": checklist_for(service_type, office),
            "tickable": True,
            "ticked": {f"n{kk.pk}"},
        },
    )
    assert 'method="get"' in html
    assert f'action="/dokumen/{service_type.code}/"' in html
    assert '<input type="hidden" name="kantor" value="kab-uji">' in html
    assert (
        f'<input class="form-check-input" type="checkbox" name="ada" value="n{kk.pk}" '
        f'id="dok-n{kk.pk}" checked aria-describedby="dok-n{kk.pk}-ket">'
    ) in html
    assert f'<label class="form-check-label" for="dok-n{police.pk}">' in html
    assert f'value="n{police.pk}" id="dok-n{police.pk}">' in html  # not ticked
    assert '<script src="/static/dokumen/checklist.js" defer></script>' in html
    assert not re.search(r"\son[a-z]+=", html)  # CSP: no inline handlers


def test_include_says_so_when_a_service_has_no_list(service_type):
    html = render_to_string("dokumen/_checklist.html", {"checklist": checklist_for(service_type)})
    assert "Belum ada daftar dokumen" in html


def test_as_short_text_folds_documents_needed_only_in_some_cases(service_type):
    checklist = Checklist(
        service_type=service_type,
        office=None,
        items=(
            _item("Kartu Keluarga (KK)", short_name="KK asli"),
            _item("Akta cerai", condition="jika bercerai"),
            _item("KTP-el lama"),
        ),
    )
    assert checklist.as_short_text() == "Bawa: KK asli; KTP-el lama; dll."
    only_conditional = Checklist(
        service_type=service_type, office=None, items=(_item("Akta cerai", condition="jika"),)
    )
    assert only_conditional.as_short_text() == "Bawa: Akta cerai"
