"""Demo applications for `manage.py seed_demo`: a few per office, one in each kind of stage,
with timelines spread over the past working days, so a newcomer can look one up at /status/
and move it along in admin. An office that has applications already is left alone.

Every moment of a timeline (the visit that opened the application, each stage change) falls
in the office's hours on one of its working days (antrean's calendar: weekly hours, national
holidays and cuti bersama, closures), in the office's own zone: a real office's history, not
one at whatever hour the seed ran, Sundays included."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from antrean.calendar_rules import plan_days
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


def working_moments(office: Office, *, count: int, salt: int) -> list[datetime.datetime]:
    """One moment on each of the office's last `count` working days before today, oldest
    first, each inside that day's hours (`salt` spreads applicants over the day)."""
    today = timezone.localdate(timezone=office.tz)
    # Three weeks back hold the seven working days a demo timeline needs, even around Lebaran
    # with its cuti bersama.
    back = count * 3 + 14
    plans = plan_days(office=office, start=today - datetime.timedelta(days=back), days=back)
    days = [plan for plan in plans if plan.is_open][-count:]
    moments = []
    for step, plan in enumerate(days):
        opens, closes = plan.intervals[0]
        start = datetime.datetime.combine(plan.date, opens, tzinfo=office.tz)
        span = datetime.datetime.combine(plan.date, closes, tzinfo=office.tz) - start
        minutes = (salt * 47 + step * 29) % max(int(span.total_seconds() // 60), 1)
        moments.append(start + datetime.timedelta(minutes=minutes))
    return moments


def _seed_office(office: Office, service_type: ServiceType, staff) -> None:
    prefix = min(code for code in kecamatan_codes() if code.startswith(office.regency_id))
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
        # One step a working day, at office hours, so waits and times look real.
        steps = list(application.changes.order_by("pk"))
        moments = working_moments(office, count=len(steps), salt=n)
        if len(moments) < len(steps):
            # An office with no working day set up yet: its timelines stay as written.
            continue
        for step, moment in zip(steps, moments, strict=True):
            StatusChange.objects.filter(pk=step.pk).update(changed_at=moment)
        Application.objects.filter(pk=application.pk).update(
            created_at=moments[0],
            promised_at=moments[0] + service_type.promised_duration,
            stage_changed_at=moments[-1],
        )
