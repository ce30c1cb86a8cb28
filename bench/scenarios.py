"""The measurements, in the order bench/run.py runs them, inside its Django process (which
fills the database and counts queries) against the gunicorn it starts here."""

import datetime
import random
import time
from pathlib import Path

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from antrean import availability
from antrean.models import Booking, OfficeService, Slot
from bench import generate, load
from ktpportal.logs import mask_niks_in
from ktpportal.models import Office
from ktpportal.notifications.models import Notification, State
from status.models import Application

# The small set the lookup is first measured on, before the rest of the volume is added.
SMALL_SET = 1_000
LOOKUP_FORMS = 1_000
CONNECTIONS = 16
RUSH_CLIENTS, RUSH_SLOTS = 200, 5
REMINDERS = 10_000
FANOUT_TIMEOUT = 600


def run(*, base_url, host, port, scale, bin_dir, processes, wait_healthy, log) -> dict:
    results: dict = {"generation": {}}
    seconds = scale["seconds"]
    gen = results["generation"]

    started = time.perf_counter()
    offices = generate.reference_data(offices=scale["offices"])
    gen["offices"] = (len(offices), time.perf_counter() - started)
    started = time.perf_counter()
    gen["slots"] = (generate.slots(offices=offices), time.perf_counter() - started)
    started = time.perf_counter()
    made, changes = generate.applications(count=SMALL_SET, offices=offices, seed=1)
    generate.analyze()
    gen["small"] = (made, changes, time.perf_counter() - started)
    log(f"generated {len(offices)} offices, {gen['slots'][0]} slots, {made} applications")

    gunicorn = processes.start(
        "gunicorn", [str(bin_dir / "gunicorn"), "--config", "gunicorn.conf.py", "ktpportal.wsgi"]
    )
    wait_healthy(base_url, 60)
    # Measured warm, as a portal that has been up a while: each worker's connection pool
    # open and its templates compiled.
    office = offices[0]
    service = OfficeService.objects.offered(office).select_related("service_type")[0].service_type
    _mixed_load(base_url, host, port, office, service, 2)

    results["lookup_small"] = _lookup(base_url, host, port, seconds, log)
    results["explain_small"] = _explain_lookup()

    started = time.perf_counter()
    made, changes = generate.applications(
        count=scale["applications"] - SMALL_SET, offices=offices, seed=2
    )
    generate.analyze()
    gen["large"] = (made, changes, time.perf_counter() - started)
    generate.check_sample()
    total = Application.objects.count()
    log(f"generated {made} more applications ({total} in all), {changes} stage changes")

    results["lookup_large"] = _lookup(base_url, host, port, seconds, log)
    results["explain_large"] = _explain_lookup()
    results["applications"] = total

    results["picker"] = _slot_picker(base_url, office, service, seconds, log)
    results["rush"] = _rush(host, port, office, service, log)
    results["pages"] = _page_weights(host, port, office, service, results["rush"])
    # Every worker has now served every page many times: its memory from here on should
    # stay flat (gunicorn.conf.py does not recycle workers).
    results["memory"] = {"warm": worker_memory(gunicorn.pid)}
    results["memory"]["requests"] = _soak(base_url, host, port, office, service, seconds, log)
    results["memory"]["end"] = worker_memory(gunicorn.pid)
    processes.stop("gunicorn")
    results["fanout"] = _fanout(offices, bin_dir, processes, log)
    return results


def worker_memory(master_pid: int) -> dict[int, float]:
    """Resident memory (MB) of each gunicorn worker, by pid: the master's children."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    memory = {}
    for pid in children:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:  # a worker that just exited
            continue
        rss_kb = next(int(line.split()[1]) for line in status.splitlines() if line[:6] == "VmRSS:")
        memory[int(pid)] = rss_kb / 1024
    return memory


def _mixed_load(base_url, host, port, office, service, seconds):
    """Lookups and slot picker pages, half and half."""
    picker = [reverse("antrean:dates", args=[office.slug, service.code])] + [
        reverse("antrean:times", args=[office.slug, service.code, day])
        for day in _next_days(office, 14)
    ]
    lookups = load.csrf_post_requests(
        host, port, reverse("status:index"), _sample_forms(10 * len(picker))
    )
    requests = lookups + [{"path": path} for path in picker * 10]
    return load.wrk(base_url, requests, seconds=seconds, connections=CONNECTIONS)


def _soak(base_url, host, port, office, service, seconds, log) -> int:
    """The requests the workers' memory is measured across: lookups and slot picker pages
    for twice the usual run."""
    run = _mixed_load(base_url, host, port, office, service, 2 * seconds)
    log(f"soak: {run.requests} requests, {run.errors} errors")
    return run.requests


def _sample_forms(count: int) -> list[dict]:
    rows = list(
        Application.objects.order_by("?").values_list("receipt_number", "citizen__nik")[:count]
    )
    # As people type them: the NIK with spaces, the receipt in lower case without dashes.
    return [
        {
            "receipt_number": receipt.replace("-", "").lower(),
            "nik": f"{nik[:6]} {nik[6:12]} {nik[12:]}",
        }
        for receipt, nik in rows
    ]


def _lookup(base_url, host, port, seconds, log) -> dict:
    path = reverse("status:index")
    requests = load.csrf_post_requests(host, port, path, _sample_forms(LOOKUP_FORMS))
    trivial = load.wrk(
        base_url, [{"path": reverse("trivial")}], seconds=seconds, connections=CONNECTIONS
    )
    lookup = load.wrk(base_url, requests, seconds=seconds, connections=CONNECTIONS)
    client = Client()
    form = _sample_forms(1)[0]
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, form)
    if response.status_code != 200:
        raise SystemExit(f"a lookup of an existing application gave {response.status_code}")
    log(f"lookup: {lookup.rps:.0f}/s vs trivial {trivial.rps:.0f}/s, p99 {lookup.p99_ms:.1f} ms")
    return {"trivial": trivial, "lookup": lookup, "queries": len(queries)}


def _explain_lookup() -> list[str]:
    """EXPLAIN ANALYZE of every query a lookup runs, as the view runs them."""
    form = _sample_forms(1)[0]
    with CaptureQueriesContext(connection) as queries:
        Client().post(reverse("status:index"), form)
    plans = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) {sql}")
            plan = sql + "\n" + "\n".join(row[0] for row in cursor.fetchall())
            # Synthetic, but a NIK is never written out whole, in a document neither.
            plans.append(mask_niks_in(plan))
    return plans


def _next_days(office: Office, days: int) -> list[datetime.date]:
    today = timezone.localdate(timezone.now(), timezone=office.tz)
    return [today + datetime.timedelta(days=n) for n in range(days)]


def _slot_picker(base_url, office, service, seconds, log) -> dict:
    dates_path = reverse("antrean:dates", args=[office.slug, service.code])
    times_paths = [
        reverse("antrean:times", args=[office.slug, service.code, day])
        for day in _next_days(office, 14)
    ]
    client = Client()
    counts, cached_counts = {}, {}
    for path in [dates_path, *times_paths]:
        # Counted twice: with the office's lists just dropped (as after a booking), then
        # from the cache (antrean/availability.py).
        availability.forget(office)
        for into in (counts, cached_counts):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"GET {path} gave {response.status_code}")
            into[path] = len(queries)
    trivial = load.wrk(
        base_url, [{"path": reverse("trivial")}], seconds=seconds, connections=CONNECTIONS
    )
    dates = load.wrk(base_url, [{"path": dates_path}], seconds=seconds, connections=CONNECTIONS)
    times = load.wrk(
        base_url, [{"path": p} for p in times_paths], seconds=seconds, connections=CONNECTIONS
    )
    time_counts = [counts[p] for p in times_paths]
    log(
        f"slot picker: dates {dates.rps:.0f}/s, times {times.rps:.0f}/s, "
        f"trivial {trivial.rps:.0f}/s"
    )
    return {
        "trivial": trivial,
        "dates": dates,
        "times": times,
        "dates_queries": counts[dates_path],
        "times_queries": (min(time_counts), max(time_counts)),
        "dates_queries_cached": cached_counts[dates_path],
        "times_queries_cached": (
            min(cached_counts[p] for p in times_paths),
            max(cached_counts[p] for p in times_paths),
        ),
    }


def _rush(host, port, office, service, log) -> dict:
    """RUSH_CLIENTS people, RUSH_SLOTS slots of 4 seats on the first day after tomorrow that
    has them, all posting the booking form at once."""
    tomorrow = _next_days(office, 2)[1]
    start = datetime.datetime.combine(tomorrow, datetime.time(0), tzinfo=office.tz)
    slots = []
    for candidate in Slot.objects.filter(office=office, starts_at__gte=start, booked=0):
        day = timezone.localdate(candidate.starts_at, timezone=office.tz)
        slots = [s for s in slots if timezone.localdate(s.starts_at, timezone=office.tz) == day]
        slots.append(candidate)
        if len(slots) == RUSH_SLOTS:
            break
    seats = sum(s.capacity for s in slots)
    paths = [
        reverse(
            "antrean:book",
            args=[
                office.slug,
                service.code,
                timezone.localdate(s.starts_at, timezone=office.tz),
                s.pk,
            ],
        )
        for s in slots
    ]
    rng = random.Random(3)
    niks = [generate.nik_for(50_000_000 + i, rng) for i in range(RUSH_CLIENTS)]
    result = load.booking_rush(host, port, paths, niks)
    slot_ids = [s.pk for s in slots]
    taken = sum(Slot.objects.filter(pk__in=slot_ids).values_list("booked", flat=True))
    active = Booking.objects.filter(slot_id__in=slot_ids, status=Booking.Status.ACTIVE).count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM antrean_slot WHERE booked > capacity")
        over_capacity = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM antrean_slot s LEFT JOIN (SELECT slot_id, count(*) AS n "
            "FROM antrean_booking WHERE status = 'active' GROUP BY slot_id) b "
            "ON b.slot_id = s.id WHERE s.booked <> COALESCE(b.n, 0)"
        )
        miscounted = cursor.fetchone()[0]
    log(f"rush: {result.booked} booked of {seats} seats, statuses {result.statuses}")
    return {
        "result": result,
        "seats": seats,
        "slots": len(slots),
        "taken": taken,
        "active": active,
        "over_capacity": over_capacity,
        "miscounted": miscounted,
    }


def _page_weights(host, port, office, service, rush) -> list:
    day = next(
        d
        for d in _next_days(office, 14)
        if Slot.objects.on_day(office=office, on=d).filter(office=office).exists()
    )
    slot = Slot.objects.on_day(office=office, on=day).filter(office=office, booked=0).first()
    form = _sample_forms(1)[0]
    pages = [
        ("Beranda", reverse("home"), None, None),
        ("Antrean: pilih kantor", reverse("antrean:index"), None, None),
        ("Antrean: pilih layanan", reverse("antrean:service", args=[office.slug]), None, None),
        (
            "Antrean: pilih tanggal",
            reverse("antrean:dates", args=[office.slug, service.code]),
            None,
            None,
        ),
        (
            "Antrean: pilih jam",
            reverse("antrean:times", args=[office.slug, service.code, day]),
            None,
            None,
        ),
        (
            "Antrean: isi data",
            reverse("antrean:book", args=[office.slug, service.code, day, slot.pk]),
            None,
            None,
        ),
        ("Antrean: selesai", reverse("antrean:confirmation"), None, rush["result"].winner_cookies),
        ("Antrean: kelola", reverse("antrean:manage"), None, None),
        ("Status: cari", reverse("status:index"), None, None),
        ("Status: linimasa", reverse("status:index"), form, None),
        ("Dokumen: layanan", reverse("dokumen:index"), None, None),
        ("Dokumen: daftar", reverse("dokumen:checklist", args=[service.code]), None, None),
        ("Halaman tidak ada (404)", "/tidak-ada/", None, None),
    ]
    return [
        load.page_weight(host, port, name, path, form=form_data, cookies=cookies)
        for name, path, form_data, cookies in pages
    ]


def _fanout(offices, bin_dir, processes, log) -> dict:
    """REMINDERS day-before reminders due at once: beat's scan task is queued, two worker
    processes write and send; timed until every outbox row is sent."""
    from antrean.reminders import DAY_BEFORE, send_due_reminders

    made = generate.due_reminders(offices=offices, count=REMINDERS, seed=4)
    processes.start(
        "celery",
        [str(bin_dir / "celery"), "-A", "ktpportal", "worker", "--concurrency=2"]
        + ["--loglevel=WARNING", "--without-gossip", "--without-mingle", "--pool=prefork"],
    )
    time.sleep(3)
    reminders = Notification.objects.filter(kind=DAY_BEFORE)
    started = time.perf_counter()
    # One scan hands every due booking out; the write tasks it queues do the rest.
    send_due_reminders.delay()
    written, sent, written_at = 0, 0, None
    deadline = started + FANOUT_TIMEOUT
    while time.perf_counter() < deadline and sent < made:
        time.sleep(0.5)
        written = reminders.count()
        if written >= made and written_at is None:
            written_at = time.perf_counter() - started
        sent = reminders.filter(state=State.SENT).count()
    elapsed = time.perf_counter() - started
    failed = reminders.filter(state=State.FAILED).count()
    processes.stop("celery")
    log(f"fan-out: {sent}/{made} sent in {elapsed:.1f} s")
    return {
        "reminders": made,
        "sent": sent,
        "failed": failed,
        "written_seconds": written_at,
        "seconds": elapsed,
    }
