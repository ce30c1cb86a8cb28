"""Small factories: plain functions that make valid rows with overridable fields."""

import itertools

from django.contrib.auth import get_user_model

from ktpportal.models import Citizen, Office, Regency, ServiceType, StaffMembership, StaffRole

_seq = itertools.count(1)

# Well-formed NIKs: Kebayoran Baru (317401), born 12-08-1990 (a man) and 52-03-2001 (a woman).
VALID_NIK = "3174011208900001"
VALID_NIK_FEMALE = "3174015203010002"


def make_nik(serial: int | None = None, prefix: str = "317401", birth: str = "120890") -> str:
    return f"{prefix}{birth}{(serial or next(_seq)) % 10000 or 1:04d}"


def make_office(*, regency_code: str = "3174", **fields) -> Office:
    n = next(_seq)
    fields.setdefault("name", f"Kantor Uji {n}")
    fields.setdefault("slug", f"kantor-uji-{n}")
    fields.setdefault("address", f"Jl. Uji No. {n}")
    regency = Regency.objects.select_related("province").get(code=regency_code)
    return Office.objects.create(regency=regency, **fields)


def make_service_type(**fields) -> ServiceType:
    n = next(_seq)
    fields.setdefault("code", f"layanan-{n}")
    fields.setdefault("name", f"Layanan {n}")
    return ServiceType.objects.create(**fields)


def make_citizen(**fields) -> Citizen:
    fields.setdefault("nik", make_nik())
    fields.setdefault("full_name", "Siti Aminah")
    fields.setdefault("phone", "081234567890")
    return Citizen.objects.create(**fields)


def make_staff(office: Office, *, role: StaffRole = StaffRole.COUNTER, **fields):
    from ktpportal.seed import role_group

    n = next(_seq)
    user = get_user_model().objects.create_user(
        username=fields.pop("username", f"staf{n}"),
        password=fields.pop("password", "sandi-uji"),
        is_staff=True,
        **fields,
    )
    user.groups.add(role_group(role))
    StaffMembership.objects.create(user=user, office=office, role=role)
    return user
