"""Demo applications for `manage.py seed_demo`: a few per office, one in each kind of stage,
with timelines spread over the past days, so a newcomer can look one up at /status/ and move
it along in admin. An office that has applications already is left alone."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from ktpportal.models import Citizen, Office, ServiceType, StaffRole
from ktpportal.nik import kecamatan_codes
from ktpportal.seed import grant
from status.models import Application, StatusChange
from status.services import change_stage, create_application
from status.stages import Stage

S = Stage
# (name, birth DDMMYY in the NIK, path of stages after Diajukan, public note of the last move)
DEMO_APPLICANTS = [
    ("Budi Santoso", "120890", [], ""),
    ("Siti Rahmawati", "520301", [S.VERIFIKASI, S.BERKAS_KURANG], "Fotokopi buku nikah belum ada."),
    ("Agus Wibowo", "030785", [S.VERIFIKASI, S.PEREKAMAN, S.PROSES_PUSAT], ""),
    (
        "Dewi Lestari",
        "610299",
        [S.VERIFIKASI, S.PEREKAMAN, S.PROSES_PUSAT, S.SIAP_CETAK, S.MENUNGGU_BLANGKO],
        "Blangko diperkirakan datang minggu depan.",
    ),
    (
        "Rudi Hartono",
        "150607",
        [S.VERIFIKASI, S.PEREKAMAN, S.PROSES_PUSAT, S.SIAP_CETAK, S.DICETAK],
        "",
    ),
    (
        "Nur Aini",
        "440806",
        [S.VERIFIKASI, S.PEREKAMAN, S.PROSES_PUSAT, S.SIAP_CETAK, S.DICETAK, S.SIAP_DIAMBIL],
        "",
    ),
]
SERIAL_BASE = 9001  # demo NIK serials, apart from the other apps' demo citizens


def grant_roles() -> None:
    """Counter staff and office admins open applications and move them; the timeline is
    read-only for everyone, and nobody deletes an application."""
    for role in (StaffRole.COUNTER, StaffRole.ADMIN):
        grant(role, "status", ["view", "add", "change"], ["application"])
        grant(role, "status", ["view"], ["statuschange"])


def seed(stdout) -> None:
    grant_roles()

    service_type = ServiceType.objects.filter(code="baru-17").first()
    if service_type is None:
        stdout.write("status: no service type 'baru-17'; skipped")
        return
    User = get_user_model()
    stdout.write("Demo applications (receipt number / NIK), try them at /status/:")
    for office in Office.objects.filter(memberships__role=StaffRole.ADMIN).distinct():
        staff = User.objects.filter(
            memberships__office=office, memberships__role=StaffRole.ADMIN
        ).first()
        if not Application.objects.filter(office=office).exists():
            _seed_office(office, service_type, staff)
        for application in (
            Application.objects.filter(office=office)
            .select_related("citizen")
            .order_by("created_at")
        ):
            stdout.write(
                f"  {office.slug}: {application.receipt_number} / {application.citizen.nik}"
                f" ({application.get_stage_display()})"
            )


def _seed_office(office: Office, service_type: ServiceType, staff) -> None:
    prefix = min(code for code in kecamatan_codes() if code.startswith(office.regency_id))
    now = timezone.now()
    for n, (name, birth, path, note) in enumerate(DEMO_APPLICANTS):
        citizen, _ = Citizen.objects.get_or_create(
            nik=f"{prefix}{birth}{SERIAL_BASE + n:04d}",
            defaults={"full_name": name, "phone": f"0812000{n:05d}"},
        )
        application = create_application(
            citizen=citizen, office=office, service_type=service_type, by=staff
        )
        for stage in path:
            change_stage(
                application=application,
                to_stage=stage,
                by=staff,
                public_note=note if stage == path[-1] else "",
            )
        # Spread the timeline over the past days, one step a day, so waits look real.
        steps = list(application.changes.order_by("pk"))
        for step_number, step in enumerate(steps):
            StatusChange.objects.filter(pk=step.pk).update(
                changed_at=now - datetime.timedelta(days=len(steps) - step_number, hours=n)
            )
        started = now - datetime.timedelta(days=len(steps), hours=n)
        Application.objects.filter(pk=application.pk).update(
            created_at=started,
            promised_at=started + service_type.promised_duration,
            stage_changed_at=now - datetime.timedelta(days=1, hours=n),
        )
