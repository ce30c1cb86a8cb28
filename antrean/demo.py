"""Demo data for `manage.py seed_demo`: booking settings, hours, services (with ticket
letters and walk-in quotas), a closure, slots and three counters for every office. Rows
staff already have are left alone."""

import datetime

from django.utils import timezone

from antrean.models import (
    BookingSettings,
    Closure,
    Counter,
    OfficeService,
    OpeningHours,
    VisitSettings,
    Weekday,
)
from antrean.slots import generate_slots
from ktpportal.models import Office, ServiceType, StaffRole
from ktpportal.seed import grant

MORNING, NOON, AFTERNOON_END = datetime.time(8), datetime.time(12), datetime.time(15)
# Monday-Thursday 08.00-15.00 with a 12.00-13.00 break; Friday 08.00-11.30 and 13.00-15.00
# (the long break is Friday prayers).
DEMO_HOURS = {
    **{day: (MORNING, AFTERNOON_END, NOON, datetime.time(13)) for day in range(Weekday.FRIDAY)},
    Weekday.FRIDAY: (MORNING, AFTERNOON_END, datetime.time(11, 30), datetime.time(13)),
}


DEMO_COUNTERS = 3
DEMO_WALK_INS = 10


def _next_weekday(today: datetime.date, weekday: int) -> datetime.date:
    return today + datetime.timedelta(days=(weekday - today.weekday()) % 7 or 7)


def grant_permissions() -> None:
    """Counter staff handle bookings; office admins also run their office's settings."""
    grant(StaffRole.COUNTER, "antrean", ["view", "change"], ["booking"])
    grant(StaffRole.COUNTER, "antrean", ["view"], ["slot"])
    grant(StaffRole.ADMIN, "antrean", ["view", "change"], ["booking", "bookingsetup"])
    grant(StaffRole.ADMIN, "antrean", ["view"], ["slot"])
    grant(
        StaffRole.ADMIN,
        "antrean",
        ["view", "add", "change", "delete"],
        ["bookingsettings", "openinghours", "closure", "officeservice", "disruption"],
    )
    # Counter staff answer citizens' questions about the day, so they see the notices.
    grant(StaffRole.COUNTER, "antrean", ["view"], ["disruption"])
    # The visit day: office admins run its rules and their counters; everyone reads the
    # day's tickets (the counter pages themselves are staff views).
    grant(StaffRole.COUNTER, "antrean", ["view"], ["counter", "ticket"])
    grant(StaffRole.ADMIN, "antrean", ["view"], ["ticket", "visitevent"])
    grant(
        StaffRole.ADMIN,
        "antrean",
        ["view", "add", "change", "delete"],
        ["counter", "visitsettings"],
    )


def seed(stdout) -> None:
    grant_permissions()
    services = list(ServiceType.objects.active())
    for office in Office.objects.active():
        settings, _ = BookingSettings.objects.get_or_create(office=office)
        for weekday, (opens, closes, break_start, break_end) in DEMO_HOURS.items():
            OpeningHours.objects.get_or_create(
                office=office,
                weekday=weekday,
                defaults={
                    "opens_at": opens,
                    "closes_at": closes,
                    "break_starts_at": break_start,
                    "break_ends_at": break_end,
                },
            )
        for service_type in services:
            OfficeService.objects.get_or_create(
                office=office,
                service_type=service_type,
                # Tickets A-001... for the services that record a new card in person, B for
                # the rest; ten walk-ins a day each.
                defaults={
                    "ticket_letter": "A" if service_type.needs_biometrics else "B",
                    "walk_in_quota": DEMO_WALK_INS,
                },
            )
        VisitSettings.objects.get_or_create(office=office)
        if not office.counters.exists():
            for number in range(1, DEMO_COUNTERS + 1):
                Counter.objects.create(office=office, number=number)
        today = timezone.localdate(timezone=office.tz)
        if not office.closures.exists():
            # A half day next Wednesday, so the date page shows how one looks (its reason in
            # both languages, as staff may give it).
            Closure.objects.create(
                office=office,
                date=_next_weekday(today, Weekday.WEDNESDAY),
                reason_ind="Rapat koordinasi pegawai",
                reason_en="Staff coordination meeting",
                closes_at=NOON,
            )
        result = generate_slots(office=office, start=today, days=settings.days_ahead)
        stdout.write(f"{office.slug}: slots {result}")
