"""Staff edit the lists in admin: national rows by permission, office changes by office."""

import pytest
from django.contrib.auth import get_user_model

from dokumen.models import OfficeRequirementChange, Requirement
from ktpportal.models import StaffRole
from ktpportal.seed import grant
from tests.dokumen.factories import add_office_requirement, make_requirement, mark_not_needed
from tests.factories import make_office, make_staff

pytestmark = pytest.mark.django_db

CHANGES = "/admin/dokumen/officerequirementchange/"


@pytest.fixture
def offices():
    return make_office(name="Kantor A"), make_office(name="Kantor B", regency_code="7371")


@pytest.fixture
def office_admin(offices):
    grant(StaffRole.ADMIN, "dokumen", ["view"], ["requirement"])
    grant(
        StaffRole.ADMIN,
        "dokumen",
        ["view", "add", "change", "delete"],
        ["officerequirementchange"],
    )
    return make_staff(offices[0], role=StaffRole.ADMIN)


TEXTS = ("name", "short_name", "help_text", "condition")


def _form(office, service_type, **fields):
    """The change form's POST; `name=` etc. are the Indonesian texts, `name_en=` English."""
    data = {
        "office": office.pk,
        "service_type": service_type.pk,
        "note": "",
        "not_needed": "",
        **{f"{text}_{language}": "" for text in TEXTS for language in ("ind", "en")},
        "copy_kind": "asli",
        "quantity": 1,
        "order": 5,
    }
    for field, value in fields.items():
        data[f"{field}_ind" if field in TEXTS else field] = value
    return data


def test_office_admin_sees_and_changes_only_their_offices_changes(
    client, offices, office_admin, service_type
):
    a, b = offices
    mine = add_office_requirement(a, service_type, name="Surat pengantar RT/RW")
    theirs = add_office_requirement(b, service_type, name="Surat pernyataan bermeterai")
    client.force_login(office_admin)

    listing = client.get(CHANGES)
    assert listing.status_code == 200
    assert "Surat pengantar RT/RW" in listing.text
    assert "Surat pernyataan bermeterai" not in listing.text
    assert "Kantor B" not in listing.text  # not even in a filter

    # Hand-made URLs to the other office's row are "not found" (a redirect with a notice).
    assert client.get(f"{CHANGES}{theirs.pk}/change/").status_code == 302
    posted = client.post(f"{CHANGES}{theirs.pk}/change/", _form(a, service_type, name="Diretas"))
    assert posted.status_code == 302
    assert client.post(f"{CHANGES}{theirs.pk}/delete/", {"post": "yes"}).status_code == 302
    theirs.refresh_from_db()
    assert theirs.name == "Surat pernyataan bermeterai" and theirs.office == b

    # Their own row they can edit, but not move to another office.
    edited = client.post(f"{CHANGES}{mine.pk}/change/", _form(a, service_type, name="Pengantar"))
    assert edited.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "Pengantar"
    moved = client.post(f"{CHANGES}{mine.pk}/change/", _form(b, service_type, name="Pindah"))
    assert moved.status_code == 200 and "office" in moved.context["adminform"].form.errors
    mine.refresh_from_db()
    assert mine.office == a


def test_office_admin_cannot_add_a_change_for_another_office(
    client, offices, office_admin, service_type
):
    a, b = offices
    client.force_login(office_admin)
    response = client.post(f"{CHANGES}add/", _form(b, service_type, name="Titipan"))
    assert response.status_code == 200
    assert "office" in response.context["adminform"].form.errors
    assert not OfficeRequirementChange.objects.exists()

    response = client.post(f"{CHANGES}add/", _form(a, service_type, name="Surat pengantar"))
    assert response.status_code == 302
    assert OfficeRequirementChange.objects.get().office == a


def test_not_needed_mark_through_admin(client, offices, office_admin, service_type):
    a, _ = offices
    kk = make_requirement(service_type, name="Kartu Keluarga (KK)")
    client.force_login(office_admin)
    add_page = client.get(f"{CHANGES}add/")
    assert f"{service_type.name}: Kartu Keluarga (KK)" in add_page.text

    both = client.post(f"{CHANGES}add/", _form(a, service_type, not_needed=kk.pk, name="X"))
    assert both.status_code == 200 and both.context["adminform"].form.errors
    assert client.post(f"{CHANGES}add/", _form(a, service_type, not_needed=kk.pk)).status_code == (
        302
    )
    again = client.post(f"{CHANGES}add/", _form(a, service_type, not_needed=kk.pk))
    assert again.status_code == 200 and again.context["adminform"].form.errors
    assert OfficeRequirementChange.objects.count() == 1


def test_not_needed_must_belong_to_the_same_service(offices, service_type):
    from django.core.exceptions import ValidationError

    from tests.factories import make_service_type

    other = make_requirement(make_service_type(), name="Paspor")
    change = OfficeRequirementChange(office=offices[0], service_type=service_type, not_needed=other)
    with pytest.raises(ValidationError) as error:
        change.full_clean()
    assert "not_needed" in error.value.message_dict


def test_the_database_refuses_a_row_that_is_both_or_neither(offices, service_type):
    from django.db import IntegrityError, transaction

    kk = make_requirement(service_type)
    for fields in ({"name": "X", "not_needed": kk}, {"name": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            OfficeRequirementChange.objects.create(
                office=offices[0], service_type=service_type, **fields
            )
    mark_not_needed(offices[0], kk)
    with pytest.raises(IntegrityError), transaction.atomic():
        mark_not_needed(offices[0], kk)
    mark_not_needed(offices[1], kk)  # another office may mark the same one


def test_office_admin_can_only_view_national_requirements(client, office_admin, service_type):
    kk = make_requirement(service_type, name="Kartu Keluarga (KK)")
    client.force_login(office_admin)
    url = f"/admin/dokumen/requirement/{kk.pk}/change/"
    assert client.get(url).status_code == 200  # read-only view
    response = client.post(url, {"service_type": service_type.pk, "name_ind": "Diubah"})
    assert response.status_code == 403
    kk.refresh_from_db()
    assert kk.name == "Kartu Keluarga (KK)"
    assert client.get("/admin/dokumen/requirement/add/").status_code == 403


def test_superuser_edits_national_list_but_cannot_delete_seeded_rows(client, seeded):
    boss = get_user_model().objects.create_superuser("boss", password="x")
    client.force_login(boss)
    kk = Requirement.objects.get(seed_key="baru-17/kk")
    listing = client.get(
        f"/admin/dokumen/requirement/?service_type__id__exact={kk.service_type_id}"
    )
    assert listing.status_code == 200 and 'name="form-0-order"' in listing.text
    assert "delete_selected" not in listing.text
    assert client.get(f"/admin/dokumen/requirement/{kk.pk}/delete/").status_code == 403
    own = make_requirement(kk.service_type, name="Dokumen tambahan nasional")
    assert (
        client.post(f"/admin/dokumen/requirement/{own.pk}/delete/", {"post": "yes"}).status_code
        == 302
    )
    assert not Requirement.objects.filter(pk=own.pk).exists()
