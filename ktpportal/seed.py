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

# The same in English, by code: (name, when it applies).
SERVICE_TYPES_EN = {
    "baru-17": ("New KTP-el (age 17)", "Getting a KTP-el for the first time at 17."),
    "baru-menikah": (
        "New KTP-el (married before 17)",
        "Not 17 yet, but married now or before.",
    ),
    "hilang": (
        "Replacing a lost KTP-el",
        "The KTP-el is lost; bring the police report of the loss.",
    ),
    "rusak": (
        "Replacing a damaged KTP-el",
        "The KTP-el is damaged, broken, or its chip cannot be read.",
    ),
    "perubahan-data": (
        "Changing KTP-el data",
        "Some of your data changed: marital status, occupation, name, religion, education, etc.",
    ),
    "pindah-datang": (
        "Moving in from another regency or city",
        "You have just moved your residence from another regency or city in Indonesia.",
    ),
    "pindah-luar-negeri": (
        "Moving in from abroad",
        "Indonesian citizens settling in Indonesia again after living abroad.",
    ),
    "wna-baru": (
        "KTP-el for foreign residents with a KITAP (new)",
        "Foreign nationals with a Permanent Stay Permit (KITAP), for the first time.",
    ),
    "wna-perpanjangan": (
        "KTP-el for foreign residents with a KITAP (renewal)",
        "A foreign resident's KTP-el that expired together with the KITAP.",
    ),
}

ROLE_GROUPS = {StaffRole.COUNTER: "Petugas loket", StaffRole.ADMIN: "Admin kantor"}


def seed_service_types() -> int:
    """Create the missing service types, in both languages; fill the English of existing
    ones where it is empty. Returns how many were created."""
    created = 0
    for order, (code, name, when, bio, hours, basis) in enumerate(SERVICE_TYPES, start=1):
        name_en, when_en = SERVICE_TYPES_EN[code]
        # The translated fields by their language's name: what `name` means depends on the
        # language active at the time (modeltranslation).
        _, was_created = ServiceType.objects.get_or_create(
            code=code,
            defaults={
                "name_ind": name,
                "name_en": name_en,
                "when_applies_ind": when,
                "when_applies_en": when_en,
                "needs_biometrics": bio,
                "promised_hours": hours,
                "legal_basis": basis,
                "order": order,
            },
        )
        created += was_created
    fill_service_types_english(ServiceType)
    return created


def fill_service_types_english(model) -> int:
    """Give seeded service types their English name and "when it applies" where staff have
    none: never overwrites. `model` is ServiceType, or its historical model in a migration.
    Returns how many rows changed."""
    changed = []
    for row in model.objects.filter(code__in=SERVICE_TYPES_EN):
        name_en, when_en = SERVICE_TYPES_EN[row.code]
        updated = False
        if not row.name_en:
            row.name_en, updated = name_en, True
        if not row.when_applies_en:
            row.when_applies_en, updated = when_en, True
        if updated:
            changed.append(row)
    model.objects.bulk_update(changed, ["name_en", "when_applies_en"])
    return len(changed)


def role_group(role: StaffRole) -> Group:
    return Group.objects.get_or_create(name=ROLE_GROUPS[role])[0]


def grant(role: StaffRole, app_label: str, actions: list[str], models: list[str]) -> None:
    """Give a staff role's group these model permissions (e.g. "view", "change")."""
    codenames = [f"{action}_{model}" for action in actions for model in models]
    perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    role_group(role).permissions.add(*perms)
