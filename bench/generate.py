"""Volume for the benchmarks, written fast: the reference rows (offices, their settings) with
bulk_create, the big tables (slots, citizens, applications, stage histories, bookings) with
PostgreSQL's COPY through Django's own psycopg connection.

Every row is one the application could have written: NIKs pass `ktpportal.nik.parse_nik`
(a known kecamatan prefix, a real birth date, serial from 0001), receipt and booking codes
are `ktpportal.codes` codes, stage histories follow `status.stages.MOVES` (the database's
check constraint refuses anything else), and a slot's `booked` equals its active bookings.
Generation is seeded, so two runs make the same data.
"""

import datetime
import io
import random
import uuid
import zoneinfo

from django.db import connection, transaction
from django.utils import timezone

from antrean.calendar_rules import plan_days
from antrean.models import Booking, BookingSettings, OfficeService, OpeningHours, Slot
from ktpportal.codes import ALPHABET, SYMBOLS, format_code
from ktpportal.models import Citizen, Office, Regency, ServiceType
from ktpportal.nik import kecamatan_codes, parse_nik
from ktpportal.seed import seed_service_types
from status.models import Application, StatusChange
from status.stages import Stage

SLOT_DAYS = 60
# The slot history starts this many days back, so the 60 days hold the past and the
# booking window (14 days ahead) alike.
SLOT_DAYS_BACK = 45
OPENS, BREAK_STARTS, BREAK_ENDS, CLOSES = (datetime.time(h) for h in (8, 12, 13, 15))
SEATS = 4
# The main line of an application, in order: a history is a prefix of it.
MAIN_LINE = [
    Stage.DIAJUKAN,
    Stage.VERIFIKASI,
    Stage.PEREKAMAN,
    Stage.PROSES_PUSAT,
    Stage.SIAP_CETAK,
    Stage.DICETAK,
    Stage.SIAP_DIAMBIL,
    Stage.DISERAHKAN,
]
# How far applications got: most of a year's applications are done, a few still open.
LENGTH_WEIGHTS = [4, 4, 4, 6, 4, 3, 5, 70]
FIRST_NAMES = ["Siti", "Budi", "Dewi", "Agus", "Putu", "Made", "Nur", "Rizky", "Ayu", "Yohanes"]
LAST_NAMES = ["Rahayu", "Santoso", "Lestari", "Wijaya", "Hasibuan", "Pangaribuan", "Daeng", "Wenda"]
COPY_CHUNK = 1 << 20


def _ts(value: datetime.datetime) -> str:
    return value.isoformat()


def _copy(table: str, columns: list[str], lines) -> int:
    """COPY text lines (tab-separated, already escaped) into `table`; returns the count."""
    count = 0
    buffer = io.StringIO()
    with connection.cursor() as cursor:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for line in lines:
                buffer.write(line)
                buffer.write("\n")
                count += 1
                if buffer.tell() > COPY_CHUNK:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
    return count


def _next_id(model) -> int:
    with connection.cursor() as cursor:
        # Table names here come from the models, never from input.
        table = model._meta.db_table
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        return cursor.fetchone()[0]


def _reset_sequence(model) -> None:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        sequence = f"pg_get_serial_sequence('{table}', 'id')"
        cursor.execute(f"SELECT setval({sequence}, (SELECT MAX(id) FROM {table}))")  # noqa: S608


class Codes:
    """Unique `ktpportal.codes` codes from a seeded generator (secrets is not seedable)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seen: set[str] = set()

    def new(self) -> str:
        while True:
            bits = self.rng.getrandbits(5 * SYMBOLS)
            raw = "".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(SYMBOLS))
            code = format_code(raw)
            if code not in self.seen:
                self.seen.add(code)
                return code


def nik_for(index: int, rng: random.Random) -> str:
    """A well-formed NIK, different for every index: the (prefix, serial) pair is unique."""
    prefixes = _prefixes()
    prefix = prefixes[index % len(prefixes)]
    serial = index // len(prefixes) + 1
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(21550))
    day = birth.day + (40 if rng.random() < 0.5 else 0)
    return f"{prefix}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


_PREFIXES: list[str] = []


def _prefixes() -> list[str]:
    if not _PREFIXES:
        _PREFIXES.extend(sorted(kecamatan_codes()))
    return _PREFIXES


def reference_data(*, offices: int, weekdays=range(5), seats: int = SEATS) -> list[Office]:
    """Service types, the national document lists, and `offices` offices (one per
    kabupaten/kota) with their hours on `weekdays`, settings and every service offered."""
    from dokumen.seed import seed_requirements

    seed_service_types()
    seed_requirements()
    regencies = list(Regency.objects.select_related("province").order_by("code")[:offices])
    if len(regencies) < offices:
        raise SystemExit(f"only {len(regencies)} kabupaten/kota for {offices} offices")
    # bulk_create skips Office.save(), which copies the zone from the province: done here.
    made = Office.objects.bulk_create(
        Office(
            name=f"Disdukcapil {regency.name.title()}",
            slug=f"bench-{regency.code}",
            regency=regency,
            address=f"Jl. Bench No. {n}, {regency.name.title()}",
            phone="021-5550000",
            tz_name=regency.province.tz_name,
        )
        for n, regency in enumerate(regencies, start=1)
    )
    services = list(ServiceType.objects.active())
    with transaction.atomic():
        BookingSettings.objects.bulk_create(
            BookingSettings(office=office, seats_per_slot=seats) for office in made
        )
        OfficeService.objects.bulk_create(
            OfficeService(office=office, service_type=service)
            for office in made
            for service in services
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(
                office=office,
                weekday=weekday,
                opens_at=OPENS,
                closes_at=CLOSES,
                break_starts_at=BREAK_STARTS,
                break_ends_at=BREAK_ENDS,
            )
            for office in made
            for weekday in weekdays
        )
    return made


def slots(
    *,
    offices: list[Office],
    start: datetime.date | None = None,
    days: int = SLOT_DAYS,
    seats: int = SEATS,
) -> int:
    """`days` days (from SLOT_DAYS_BACK days ago) of shared-seat slots for every office, on
    the days its hours and the holiday calendar open it (no office has its own closures,
    so one office's plan serves the dates of all)."""
    if start is None:
        start = timezone.localdate() - datetime.timedelta(days=SLOT_DAYS_BACK)
    plans = [p for p in plan_days(office=offices[0], start=start, days=days) if p.is_open]
    length = datetime.timedelta(minutes=30)
    slot_id = _next_id(Slot)

    def lines():
        nonlocal slot_id
        for office in offices:
            zone = zoneinfo.ZoneInfo(office.tz_name)
            for plan in plans:
                for opens, closes in plan.intervals:
                    begin = datetime.datetime.combine(plan.date, opens, tzinfo=zone)
                    end = datetime.datetime.combine(plan.date, closes, tzinfo=zone)
                    while begin + length <= end:
                        yield (
                            f"{slot_id}\t{office.pk}\t\\N\t{_ts(begin)}\t{_ts(begin + length)}"
                            f"\t{seats}\t0\tt"
                        )
                        slot_id += 1
                        begin += length

    count = _copy(
        Slot._meta.db_table,
        ["id", "office_id", "service_type_id", "starts_at", "ends_at", "capacity", "booked"]
        + ["is_active"],
        lines(),
    )
    _reset_sequence(Slot)
    return count


def applications(*, count: int, offices: list[Office], seed: int) -> tuple[int, int]:
    """`count` citizens, one application each, with their stage histories. Returns
    (applications, status changes). Even citizens give an email, odd ones a phone."""
    rng = random.Random(seed)
    codes = Codes(random.Random(seed + 1))
    codes.seen.update(Application.objects.values_list("receipt_number", flat=True))
    services = list(ServiceType.objects.active().values_list("pk", "promised_hours"))
    office_ids = [office.pk for office in offices]
    now = timezone.now()
    first_citizen = _next_id(Citizen)
    first_application = _next_id(Application)
    first_change = _next_id(StatusChange)

    citizen_lines = io.StringIO()
    application_lines = io.StringIO()
    change_lines = io.StringIO()
    changes = 0
    # Built in memory per table (about 100 bytes a row): three COPYs instead of interleaving.
    for n in range(count):
        citizen_id = first_citizen + n
        application_id = first_application + n
        nik = nik_for(citizen_id, rng)
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        phone, email = ("", f"warga{citizen_id}@contoh.id")
        if citizen_id % 2:
            phone, email = (f"+62812{citizen_id:08d}", "")
        created = now - datetime.timedelta(minutes=rng.randrange(60, 365 * 24 * 60))
        citizen_lines.write(
            f"{citizen_id}\t{nik}\t{name}\t{phone}\t{email}\tid\t{_ts(created)}\t{_ts(created)}\n"
        )
        length = rng.choices(range(1, len(MAIN_LINE) + 1), LENGTH_WEIGHTS)[0]
        service_id, promised_hours = rng.choice(services)
        when = created
        previous = ""
        for stage in MAIN_LINE[:length]:
            change_lines.write(
                f"{first_change + changes}\t{application_id}\t{previous}\t{stage}\t{_ts(when)}"
                "\t\\N\t\t\n"
            )
            changes += 1
            previous = stage
            when += datetime.timedelta(hours=rng.randrange(1, 72))
        changed_at = when - datetime.timedelta(hours=1)
        application_lines.write(
            f"{application_id}\t{codes.new()}\t{citizen_id}\t{service_id}"
            f"\t{rng.choice(office_ids)}\t\\N\t{previous}\t{_ts(created)}\t{_ts(changed_at)}"
            f"\t{_ts(changed_at)}\t{_ts(created + datetime.timedelta(hours=promised_hours))}\t\n"
        )
    with transaction.atomic():
        _copy_buffer(
            Citizen,
            ["id", "nik", "full_name", "phone", "email", "language", "created_at", "updated_at"],
            citizen_lines,
        )
        _copy_buffer(
            Application,
            ["id", "receipt_number", "citizen_id", "service_type_id", "office_id", "booking_id"]
            + ["stage", "created_at", "updated_at", "stage_changed_at", "promised_at"]
            + ["public_note"],
            application_lines,
        )
        _copy_buffer(
            StatusChange,
            ["id", "application_id", "from_stage", "to_stage", "changed_at", "changed_by_id"]
            + ["public_note", "internal_note"],
            change_lines,
        )
    for model in (Citizen, Application, StatusChange):
        _reset_sequence(model)
    return count, changes


def _copy_buffer(model, columns: list[str], buffer: io.StringIO) -> None:
    with connection.cursor() as cursor:
        sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            data = buffer.getvalue()
            for start in range(0, len(data), COPY_CHUNK):
                copy.write(data[start : start + COPY_CHUNK])


def check_sample(count: int = 2000) -> None:
    """Every NIK and receipt in a sample passes the application's own parsers."""
    from ktpportal.codes import normalize_code

    for nik in Citizen.objects.order_by("?").values_list("nik", flat=True)[:count]:
        parse_nik(nik)
    for receipt in Application.objects.order_by("?").values_list("receipt_number", flat=True)[
        :count
    ]:
        if normalize_code(receipt) != receipt:
            raise SystemExit(f"generated receipt {receipt!r} is not a ktpportal.codes code")


def due_reminders(*, offices: list[Office], count: int, seed: int) -> int:
    """`count` active bookings for tomorrow (office time), made days ago, at offices whose
    reminder time is midnight: every one of them has its day-before reminder due now.

    They sit on evening slots (16.00 onwards, outside the counter hours the booking pages
    use) created full, `booked` = bookings, so no other benchmark finds them; every office
    but the first (the one the other benchmarks use) gets its share. The citizens are the
    first `count` generated: even ids gave an email, odd ids a phone and SMS consent.
    bulk_create rather than COPY: 10,000 rows, and new Booking fields keep their defaults.
    """
    rng = random.Random(seed)
    seats = 20
    chosen = offices[1:]
    BookingSettings.objects.filter(office__in=chosen).update(reminder_time=datetime.time(0))
    now = timezone.now()
    service_ids = list(ServiceType.objects.active().values_list("pk", flat=True))
    citizens = list(Citizen.objects.order_by("pk")[:count])
    if len(citizens) < count:
        raise SystemExit(f"{count} reminders need {count} citizens")
    codes = Codes(random.Random(seed + 1))
    codes.seen.update(Booking.objects.values_list("code", flat=True))
    new_slots = []
    for n in range(count // seats):
        office = chosen[n % len(chosen)]
        zone = zoneinfo.ZoneInfo(office.tz_name)
        tomorrow = timezone.localdate(now, timezone=zone) + datetime.timedelta(days=1)
        begin = datetime.datetime.combine(tomorrow, datetime.time(16), tzinfo=zone)
        begin += datetime.timedelta(minutes=10 * (n // len(chosen)))
        new_slots.append(
            Slot(
                office=office,
                starts_at=begin,
                ends_at=begin + datetime.timedelta(minutes=30),
                capacity=seats,
                booked=seats,
            )
        )
    made_at = now - datetime.timedelta(days=3)
    with transaction.atomic():
        Slot.objects.bulk_create(new_slots, batch_size=2000)
        bookings = [
            Booking(
                code=codes.new(),
                office_id=new_slots[n // seats].office_id,
                service_type_id=rng.choice(service_ids),
                slot=new_slots[n // seats],
                visit_starts_at=new_slots[n // seats].starts_at,
                citizen=citizen,
                full_name=citizen.full_name,
                phone=citizen.phone,
                email=citizen.email,
                sms_consent=bool(citizen.phone),
                submission_token=uuid.UUID(int=rng.getrandbits(128)),
            )
            for n, citizen in enumerate(citizens)
        ]
        Booking.objects.bulk_create(bookings, batch_size=2000)
        # auto_now_add ignores a given value: "made three days ago" is set afterwards, and
        # the stored due time with it (antrean.reminders).
        Booking.objects.filter(pk__in=[b.pk for b in bookings]).update(
            created_at=made_at, updated_at=made_at, next_reminder_at=now
        )
    return len(bookings)


def analyze() -> None:
    """Fresh planner statistics and visibility map, as autovacuum would leave them."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
