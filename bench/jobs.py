"""The periodic jobs at national scale (`bench/run.py --jobs`, and the last part of `make
bench`), on a database of their own: 500 offices open every day, a year-old backlog of
expired bookings, a live set of past and upcoming bookings, and each job run as beat runs
it, in a process of its own, timed, with its resident memory's high-water mark.

    python bench/jobs.py reminders|generation|purge    # one job, in this process: JSON out

The expired rows are made first, so that they have the lowest ids, as a year of use leaves
them (status/purge.py walks the primary key from the oldest row).
"""

import datetime
import json
import math
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEATS = 10
# Live slots from 45 days back up to the booking window's last day; the day beyond it is
# left for the nightly generation to make, as it does every night.
LIVE_DAYS_BACK, LIVE_DAYS = 45, 59
# The expired visits: a month of them, more than RETENTION_DAYS (365) ago.
EXPIRED_DAYS_BACK, EXPIRED_DAYS = 430, 30
UPCOMING_HOURS = 48
CODE_MULTIPLIER = 0x9E3779B97F4A7C1  # odd: n -> n * m mod 2**60 is one-to-one


def sizes(small: bool) -> dict[str, int]:
    if small:
        return {"offices": 20, "expired": 10_000, "past": 9_000, "upcoming": 1_000}
    return {"offices": 500, "expired": 1_000_000, "past": 900_000, "upcoming": 100_000}


def run(*, small: bool, log) -> dict:
    from django.utils import timezone

    from antrean.models import Slot
    from bench import generate

    size = sizes(small)
    results: dict = {"size": size, "generation": {}}
    gen = results["generation"]
    started = time.perf_counter()
    offices = generate.reference_data(offices=size["offices"], weekdays=range(7), seats=SEATS)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=EXPIRED_DAYS_BACK)
    first_slot = generate._next_id(Slot)
    expired_slots = generate.slots(offices=offices, start=start, days=EXPIRED_DAYS, seats=SEATS)
    expired = _bookings(
        offices=offices,
        first_slot=first_slot,
        count=size["expired"],
        citizens=size["expired"] // 2,
        upcoming=0,
    )
    gen["expired"] = (expired_slots, expired, size["expired"] // 2, time.perf_counter() - started)
    log(f"jobs: {expired:,} expired bookings")

    started = time.perf_counter()
    start = today - datetime.timedelta(days=LIVE_DAYS_BACK)
    first_slot = generate._next_id(Slot)
    live_slots = generate.slots(offices=offices, start=start, days=LIVE_DAYS, seats=SEATS)
    live = _bookings(
        offices=offices,
        first_slot=first_slot,
        count=size["past"] + size["upcoming"],
        citizens=(size["past"] + size["upcoming"]) // 2,
        upcoming=size["upcoming"],
    )
    generate.analyze()
    gen["live"] = (live_slots, live, live // 2, time.perf_counter() - started)
    log(f"jobs: {live:,} live bookings, {size['upcoming']:,} of them in the next 48 h")

    _scan_before()
    results["reminders_idle"] = measure("reminders", log)
    due = _all_upcoming_due()
    results["explain"] = explain_scan()
    results["reminders_burst"] = measure("reminders", log)
    results["reminders_burst"]["rows"] = due
    _drop_queued_tasks()
    results["generation_run"] = measure("generation", log)
    results["purge"] = measure("purge", log)
    return results


def _code(n: int) -> str:
    from ktpportal.codes import ALPHABET, SYMBOLS, format_code

    bits = (n * CODE_MULTIPLIER) % (1 << (5 * SYMBOLS))
    return format_code("".join(ALPHABET[(bits >> (5 * i)) & 31] for i in range(SYMBOLS)))


def _bookings(*, offices, first_slot: int, count: int, citizens: int, upcoming: int) -> int:
    """`count` bookings on the slots from `first_slot` on, `citizens` new citizens
    with about two bookings each; the last `upcoming` bookings are active, on the slots of
    the next 48 hours, each with its own citizen and its stored reminder time; the others
    are visits that took place (or were cancelled)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from antrean.models import Booking, BookingSettings, Slot
    from antrean.reminders import next_reminder_at
    from bench import generate
    from ktpportal.models import Citizen, ServiceType

    rng = random.Random(count)
    now = timezone.now()
    first_citizen = generate._next_id(Citizen)
    first_booking = generate._next_id(Booking)
    slot_rows = list(
        Slot.objects.filter(pk__gte=first_slot)
        .order_by("starts_at", "pk")
        .values_list("pk", "office_id", "starts_at")
    )
    past = [row for row in slot_rows if row[2] < now]
    soon = [row for row in slot_rows if now < row[2] <= now + datetime.timedelta(hours=48)]
    if upcoming and len(soon) * SEATS < upcoming:
        raise SystemExit(f"{upcoming} upcoming bookings need more than {len(soon)} slots")
    per_past = math.ceil((count - upcoming) / len(past))
    per_soon = math.ceil(upcoming / len(soon)) if upcoming else 0
    services = list(ServiceType.objects.active().values_list("pk", flat=True))
    offices_by_id = {office.pk: office for office in offices}
    reminder_time = BookingSettings._meta.get_field("reminder_time").default
    made = now - datetime.timedelta(days=3)

    citizen_lines = []
    # Registered with their first booking, before the first of these visits.
    when = generate._ts(slot_rows[0][2] - datetime.timedelta(days=3))
    for n in range(citizens):
        nik = generate.nik_for(first_citizen + n, rng)
        email = f"warga{first_citizen + n}@contoh.id"
        citizen_lines.append(
            f"{first_citizen + n}\t{nik}\tWarga Bench\t\t{email}\tid\t{when}\t{when}"
        )

    def lines():
        for n in range(count):
            is_upcoming = n >= count - upcoming
            if is_upcoming:
                k = n - (count - upcoming)
                slot_id, office_id, starts_at = soon[k // per_soon]
                citizen_id = first_citizen + k  # one active booking per citizen
                booking = Booking(
                    office=offices_by_id[office_id],
                    slot=Slot(starts_at=starts_at, is_active=True),
                    status=Booking.Status.ACTIVE,
                    created_at=made,
                )
                # As the scan leaves it: what was due is handled, the next moment stored.
                due = next_reminder_at(booking, reminder_time, now, handled=True)
                status, created = "active", made
            else:
                slot_id, office_id, starts_at = past[n // per_past]
                citizen_id = first_citizen + n % citizens
                due, created = None, starts_at - datetime.timedelta(days=3)
                status = "cancelled" if n % 10 == 0 else "checked_in"
            cancelled = generate._ts(created) if status == "cancelled" else "\\N"
            yield (
                f"{first_booking + n}\t{_code(first_booking + n)}\t{office_id}"
                f"\t{rng.choice(services)}\t{slot_id}\t{citizen_id}\t{status}\tWarga Bench\t"
                f"\twarga{citizen_id}@contoh.id\tf\tid\t{uuid.UUID(int=first_booking + n)}\tf\t\t0"
                f"\t{generate._ts(created)}\t{generate._ts(created)}\t{cancelled}"
                f"\t{generate._ts(due) if due else '\\N'}\t{generate._ts(starts_at)}"
            )

    with transaction.atomic():
        generate._copy(
            Citizen._meta.db_table,
            ["id", "nik", "full_name", "phone", "email", "language", "created_at", "updated_at"],
            iter(citizen_lines),
        )
        made_count = generate._copy(
            Booking._meta.db_table,
            [f.column for f in Booking._meta.concrete_fields],
            lines(),
        )
        with connection.cursor() as cursor:
            # A slot's count is its bookings that hold a seat, as booking keeps it.
            cursor.execute(
                "UPDATE antrean_slot s SET booked = b.n FROM (SELECT slot_id, count(*) AS n "
                "FROM antrean_booking WHERE status <> 'cancelled' AND id >= %s "
                "GROUP BY slot_id) b WHERE b.slot_id = s.id",
                [first_booking],
            )
    for model in (Citizen, Booking):
        generate._reset_sequence(model)
    return made_count


def _scan_before() -> None:
    """The scan five minutes earlier, as beat runs it: it handed out what came due while
    the data was made (minutes in which many stored moments pass), so the scan measured
    next finds what a quiet five minutes leave."""
    from django.utils import timezone

    from antrean.reminders import due_batches

    for _ids in due_batches(timezone.now()):
        pass


def _all_upcoming_due() -> int:
    """Every upcoming booking's reminder due at once: the scan's worst morning."""
    from django.utils import timezone

    from antrean.models import Booking

    return Booking.objects.filter(next_reminder_at__isnull=False).update(
        next_reminder_at=timezone.now() - datetime.timedelta(minutes=1)
    )


def explain_scan() -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the scan's query for its first batch, run as the scan
    runs it and rolled back (it locks the rows it reads)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from antrean.reminders import due_batches

    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            batches = due_batches(timezone.now())
            next(batches)
            batches.close()
        transaction.set_rollback(True)
    sql = next(q["sql"] for q in queries.captured_queries if "SKIP LOCKED" in q["sql"])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return sql + "\n" + plan


def _drop_queued_tasks() -> None:
    """The scan's write tasks are not run here (the full bench's fan-out sends reminders)."""
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5).delete("celery")


def measure(job: str, log) -> dict:
    """Run one job as beat runs it, in a new process: seconds, and resident memory once
    Django is loaded and at its high-water mark."""
    completed = subprocess.run(
        [sys.executable, str(Path(__file__)), job],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    log(
        f"jobs: {job} {result['seconds']:.1f} s, peak RSS {result['peak_mb']:.0f} MB "
        f"({result['summary']})"
    )
    return result


def _memory_mb(field: str) -> float:
    """This process's resident memory (VmRSS) or its high-water mark (VmHWM). Not
    getrusage's ru_maxrss: Linux carries that over from the parent across fork and exec."""
    status = Path("/proc/self/status").read_text()
    return (
        next(int(line.split()[1]) for line in status.splitlines() if line[:6] == f"{field}:") / 1024
    )


def _run_job(job: str) -> dict:
    import django

    django.setup()
    from antrean.reminders import send_due_reminders
    from antrean.tasks import generate_slots_daily
    from status.tasks import purge_personal_data

    task = {
        "reminders": send_due_reminders,
        "generation": generate_slots_daily,
        "purge": purge_personal_data,
    }[job]
    base = _memory_mb("VmHWM")
    started = time.perf_counter()
    # The task's own function, in this process: what a worker runs, without the broker.
    summary = task()
    seconds = time.perf_counter() - started
    peak = _memory_mb("VmHWM")
    return {"seconds": seconds, "base_mb": base, "peak_mb": peak, "summary": str(summary)}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ktpportal.settings")
    print(json.dumps(_run_job(sys.argv[1])))
