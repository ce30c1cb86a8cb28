"""Reference content every portal starts with: the KTP-el service types, and staff roles.

Rerunning never overwrites what staff edited: rows are created when missing, left alone
when present.
"""

from django.contrib.auth.models import Group, Permission

from ktpportal.models import ServiceType, StaffRole

# (code, name, when it applies, biometrics in person, promised hours, legal basis)
SERVICE_TYPES = [
    (
        "baru-17",
        "KTP-el baru (usia 17 tahun)",
        "Pertama kali membuat KTP-el saat berusia 17 tahun.",
        True,
        24,
        "UU 23/2006 jo. UU 24/2013 Pasal 63; Perpres 96/2018 Pasal 15",
    ),
    (
        "baru-menikah",
        "KTP-el baru (sudah menikah sebelum 17 tahun)",
        "Belum 17 tahun tetapi sudah atau pernah menikah.",
        True,
        24,
        "UU 24/2013 Pasal 63 ayat (1); Perpres 96/2018 Pasal 15",
    ),
    (
        "hilang",
        "Penggantian KTP-el hilang",
        "KTP-el hilang; bawa surat kehilangan dari kepolisian.",
        False,
        24,
        "Perpres 96/2018 Pasal 16",
    ),
    (
        "rusak",
        "Penggantian KTP-el rusak",
        "KTP-el rusak, patah, atau chip tidak terbaca.",
        False,
        24,
        "Perpres 96/2018 Pasal 16",
    ),
    (
        "perubahan-data",
        "Perubahan elemen data KTP-el",
        "Ada data yang berubah: status perkawinan, pekerjaan, nama, agama, pendidikan, dll.",
        False,
        24,
        "Perpres 96/2018 Pasal 16; Permendagri 108/2019",
    ),
    (
        "pindah-datang",
        "Pindah datang dari kabupaten/kota lain",
        "Baru pindah domisili dari kabupaten/kota lain di Indonesia.",
        False,
        24,
        "Perpres 96/2018 Pasal 15-16; Permendagri 108/2019",
    ),
    (
        "pindah-luar-negeri",
        "Pindah datang dari luar negeri",
        "WNI yang kembali menetap di Indonesia setelah tinggal di luar negeri.",
        True,
        24,
        "Perpres 96/2018 Pasal 17",
    ),
    (
        "wna-baru",
        "KTP-el WNA pemegang KITAP (baru)",
        "Warga negara asing dengan Izin Tinggal Tetap (KITAP), pertama kali.",
        True,
        24,
        "UU 24/2013 Pasal 63; Perpres 96/2018 Pasal 15",
    ),
    (
        "wna-perpanjangan",
        "KTP-el WNA pemegang KITAP (perpanjangan)",
        "KTP-el WNA habis masa berlakunya bersama KITAP.",
        False,
        24,
        "UU 24/2013 Pasal 64 ayat (7); Perpres 96/2018 Pasal 16",
    ),
]

ROLE_GROUPS = {StaffRole.COUNTER: "Petugas loket", StaffRole.ADMIN: "Admin kantor"}


def seed_service_types() -> int:
    created = 0
    for order, (code, name, when, bio, hours, basis) in enumerate(SERVICE_TYPES, start=1):
        _, was_created = ServiceType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "when_applies": when,
                "needs_biometrics": bio,
                "promised_hours": hours,
                "legal_basis": basis,
                "order": order,
            },
        )
        created += was_created
    return created


def role_group(role: StaffRole) -> Group:
    return Group.objects.get_or_create(name=ROLE_GROUPS[role])[0]


def grant(role: StaffRole, app_label: str, actions: list[str], models: list[str]) -> None:
    """Give a staff role's group these model permissions (e.g. "view", "change")."""
    codenames = [f"{action}_{model}" for action in actions for model in models]
    perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    role_group(role).permissions.add(*perms)
