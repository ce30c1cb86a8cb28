"""Demo data for `manage.py seed_demo`: the national lists, and one office that differs."""

from dokumen.models import OfficeRequirementChange
from dokumen.seed import seed_requirements
from ktpportal.models import Office, ServiceType, StaffRole
from ktpportal.seed import grant


def seed(stdout) -> None:
    created = seed_requirements()
    stdout.write(f"requirements: {created} created")
    grant(StaffRole.COUNTER, "dokumen", ["view"], ["requirement", "officerequirementchange"])
    grant(StaffRole.ADMIN, "dokumen", ["view"], ["requirement"])
    grant(
        StaffRole.ADMIN,
        "dokumen",
        ["view", "add", "change", "delete"],
        ["officerequirementchange"],
    )

    office = Office.objects.filter(slug="kab-bandung").first()
    service = ServiceType.objects.filter(code="baru-17").first()
    if office is None or service is None:
        return
    # Only into an untouched list: what the office's admin changed (or removed) stays so.
    if not OfficeRequirementChange.objects.filter(office=office, service_type=service).exists():
        OfficeRequirementChange.objects.create(
            office=office,
            service_type=service,
            name="Surat pengantar RT/RW",
            short_name="pengantar RT/RW",
            help_text="Dari ketua RT dan RW tempat tinggal Anda (tidak diwajibkan Perpres "
            "96/2018, tetapi kantor ini masih memintanya).",
            order=15,
            note="Contoh data demo: praktik kantor, bukan persyaratan nasional.",
        )
        stdout.write(f"office change: {office.slug} asks for a cover letter for {service.code}")
