"""The table bench/run.py prints, the targets of issue 8 checked against it, and the
generated part of docs/benchmarks.md (between the two markers; the rest is hand-written)."""

from pathlib import Path

from bench.jobs import EXPIRED_DAYS, EXPIRED_DAYS_BACK

START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"
KB = 1024


def _ratio(result, trivial) -> float:
    return result.rps / trivial.rps if trivial.rps else 0.0


def targets(r: dict) -> list[tuple[str, bool, str]]:
    """(target, met, measured) for each target of issue 8."""
    small, large = r["lookup_small"], r["lookup_large"]
    picker, rush = r["picker"], r["rush"]
    checks = []
    for label, run in (("1,000", small), (f"{r['applications']:,}", large)):
        ratio = _ratio(run["lookup"], run["trivial"])
        checks.append((f"Status lookup at {label}: >= 0.6x trivial", ratio >= 0.6, f"{ratio:.2f}x"))
        p99 = run["lookup"].p99_ms
        checks.append((f"Status lookup at {label}: p99 <= 30 ms", p99 <= 30, f"{p99:.1f} ms"))
    drift = large["lookup"].rps / small["lookup"].rps - 1 if small["lookup"].rps else 1
    checks.append(
        (
            "Status lookup: large within 10% of small (req/s)",
            abs(drift) <= 0.10,
            f"{drift:+.1%}",
        )
    )
    low, high = picker["times_queries"]
    constant = low == high and picker["dates_queries"] <= 10 and high <= 10
    checks.append(
        (
            "Slot picker: constant queries, <= 10",
            constant,
            f"dates {picker['dates_queries']}, times {low}-{high}",
        )
    )
    for page in ("dates", "times"):
        run = picker[page]
        checks.append(
            (f"Slot picker {page}: p99 <= 50 ms", run.p99_ms <= 50, f"{run.p99_ms:.1f} ms")
        )
        ratio = _ratio(run, picker["trivial"])
        checks.append((f"Slot picker {page}: >= 0.4x trivial", ratio >= 0.4, f"{ratio:.2f}x"))
    result = rush["result"]
    exact = result.booked == rush["seats"] == rush["taken"] == rush["active"]
    checks.append(
        (
            "Booking rush: seats taken = seats",
            exact,
            f"{result.booked} booked, {rush['taken']} counted, {rush['seats']} seats",
        )
    )
    checks.append(("Booking rush: 0 5xx", result.server_errors == 0, str(result.server_errors)))
    violations = rush["over_capacity"] + rush["miscounted"]
    checks.append(("Booking rush: 0 invariant violations", violations == 0, str(violations)))
    heaviest = max(r["pages"], key=lambda p: p.total_bytes)
    checks.append(
        (
            "Page weight: every page <= 60 KB in total",
            heaviest.total_bytes <= 60 * KB,
            f"heaviest {heaviest.name}: {heaviest.total_bytes / KB:.1f} KB",
        )
    )
    biggest = max(r["pages"], key=lambda p: p.html_gzip_bytes)
    checks.append(
        (
            "Page weight: HTML <= 14 KB compressed",
            biggest.html_gzip_bytes <= 14 * KB,
            f"biggest {biggest.name}: {biggest.html_gzip_bytes / KB:.1f} KB",
        )
    )
    return checks


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _load_row(name: str, run, trivial, queries) -> list[str]:
    return [
        name,
        f"{run.rps:,.0f}",
        f"{run.p50_ms:.1f}",
        f"{run.p99_ms:.1f}",
        f"{_ratio(run, trivial):.2f}x" if trivial is not run else "1.00x",
        str(queries),
        str(run.errors),
    ]


def table(r: dict) -> str:
    gen = r["generation"]
    small, large = r["lookup_small"], r["lookup_large"]
    picker, rush, fanout = r["picker"], r["rush"], r["fanout"]
    scale = r["scale"]
    n = f"{r['applications']:,}"
    sections = []
    sections.append(
        _md_table(
            ["generated", "rows", "seconds", "rows/s"],
            [
                ["offices (+ hours, settings, services)", str(gen["offices"][0])]
                + [f"{gen['offices'][1]:.1f}", ""],
                ["slots (60 days)", f"{gen['slots'][0]:,}", f"{gen['slots'][1]:.1f}"]
                + [f"{gen['slots'][0] / gen['slots'][1]:,.0f}"],
                [
                    "small set: applications + citizens + stage changes",
                    f"{gen['small'][0]:,} + {gen['small'][0]:,} + {gen['small'][1]:,}",
                    f"{gen['small'][2]:.1f}",
                    f"{(2 * gen['small'][0] + gen['small'][1]) / gen['small'][2]:,.0f}",
                ],
                [
                    "large set: applications + citizens + stage changes",
                    f"{gen['large'][0]:,} + {gen['large'][0]:,} + {gen['large'][1]:,}",
                    f"{gen['large'][2]:.1f}",
                    f"{(2 * gen['large'][0] + gen['large'][1]) / gen['large'][2]:,.0f}",
                ],
            ],
        )
    )
    header = ["load (wrk, 16 connections)", "req/s", "p50 ms", "p99 ms", "x trivial"]
    header += ["SQL queries", "errors"]
    sections.append(
        _md_table(
            header,
            [
                _load_row(
                    "trivial view (1,000 applications)", small["trivial"], small["trivial"], 0
                ),
                _load_row(
                    "status lookup, 1,000 applications",
                    small["lookup"],
                    small["trivial"],
                    small["queries"],
                ),
                _load_row(
                    f"trivial view ({n} applications)", large["trivial"], large["trivial"], 0
                ),
                _load_row(
                    f"status lookup, {n} applications",
                    large["lookup"],
                    large["trivial"],
                    large["queries"],
                ),
                _load_row(
                    "trivial view (slot picker run)", picker["trivial"], picker["trivial"], 0
                ),
                _load_row(
                    "slot picker: date page (14 days)",
                    picker["dates"],
                    picker["trivial"],
                    f"{picker['dates_queries']} ({picker['dates_queries_cached']} cached)",
                ),
                _load_row(
                    "slot picker: time pages (14 days)",
                    picker["times"],
                    picker["trivial"],
                    "{}-{} ({}-{} cached)".format(
                        *picker["times_queries"], *picker["times_queries_cached"]
                    ),
                ),
            ],
        )
    )
    result = rush["result"]
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(result.statuses.items()))
    sections.append(
        _md_table(
            ["booking rush", "value"],
            [
                [
                    "clients / slots / seats",
                    f"{result.clients} / {rush['slots']} / {rush['seats']}",
                ],
                ["bookings made (302)", str(result.booked)],
                [
                    "seats taken (slot.booked) / active bookings",
                    f"{rush['taken']} / {rush['active']}",
                ],
                ["responses", statuses],
                ["5xx", str(result.server_errors)],
                ["bookings per second", f"{result.booked / result.seconds:.1f}"],
                [
                    "rush duration, p99 latency",
                    f"{result.seconds * 1000:.0f} ms, {result.p99_ms:.0f} ms",
                ],
                [
                    "slots over capacity / booked != active bookings (all slots)",
                    f"{rush['over_capacity']} / {rush['miscounted']}",
                ],
            ],
        )
    )
    sections.append(_memory_table(r["memory"]))
    written = fanout["written_seconds"]
    sections.append(
        _md_table(
            ["notification fan-out (2 worker processes)", "value"],
            [
                ["reminders due", f"{fanout['reminders']:,}"],
                ["sent / failed", f"{fanout['sent']:,} / {fanout['failed']:,}"],
                ["all written to the outbox after", f"{written:.1f} s" if written else "not all"],
                ["all sent after", f"{fanout['seconds']:.1f} s"],
                ["sent per second", f"{fanout['sent'] / fanout['seconds']:.0f}"],
            ],
        )
    )
    sections.append(
        _md_table(
            ["page", "status", "HTML as sent KB", "HTML gzip KB", "total KB", "requests"],
            [
                [
                    p.name,
                    str(p.status),
                    f"{p.html_bytes / KB:.1f}",
                    f"{p.html_gzip_bytes / KB:.1f}",
                    f"{p.total_bytes / KB:.1f}",
                    str(p.requests),
                ]
                for p in r["pages"]
            ],
        )
    )
    sections.append(
        _md_table(
            ["target (issue 8)", "met", "measured"],
            [[name, "yes" if ok else "**no**", got] for name, ok, got in targets(r)],
        )
    )
    scale_line = (
        f"Scale: {scale['offices']} offices, {r['applications']:,} applications, "
        f"wrk runs of {scale['seconds']} s."
    )
    return scale_line + "\n\n" + "\n\n".join(sections) + "\n"


def _memory_table(memory: dict) -> str:
    """Each gunicorn worker's resident memory once warm and after every page was served; a
    worker that is not in both (replaced meanwhile) is shown with a dash."""
    warm, end = memory["warm"], memory["end"]
    rows = []
    for pid in sorted(set(warm) | set(end)):
        before, after = warm.get(pid), end.get(pid)
        growth = f"{after - before:+.1f}" if before is not None and after is not None else "-"
        rows.append(
            [
                str(pid),
                f"{before:.1f}" if before is not None else "-",
                f"{after:.1f}" if after is not None else "-",
                growth,
            ]
        )
    header = f"gunicorn worker (memory, {memory['requests']:,} requests between)"
    return _md_table([header, "RSS warm MB", "RSS end MB", "growth MB"], rows)


def write_docs(path: Path, r: dict) -> None:
    machine = r["machine"]
    lines = [
        START,
        f"Measured {r['when']} by `make bench`.",
        "",
        _md_table(["machine", ""], [[k, v] for k, v in machine.items()]),
        "",
        table(r),
        "EXPLAIN of the lookup's queries at the large size (ANALYZE, costs and timing off):",
        "",
        "```",
        "\n\n".join(r["explain_large"]),
        "```",
        END,
    ]
    text = (
        path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    )
    before, _start, rest = text.partition(START)
    _old, _end, after = rest.partition(END)
    path.write_text(before + "\n".join(lines) + after, encoding="utf-8")


JOBS_START = "<!-- bench:jobs:start -->"
JOBS_END = "<!-- bench:jobs:end -->"


def jobs_table(r: dict) -> str:
    """The periodic jobs: what was generated, and each job's time and memory."""
    size, gen = r["size"], r["generation"]
    generated = _md_table(
        ["generated (bench/jobs.py)", "slots", "bookings", "citizens", "seconds"],
        [
            [
                f"expired: visits {EXPIRED_DAYS_BACK} to "
                f"{EXPIRED_DAYS_BACK - EXPIRED_DAYS} days ago",
                f"{gen['expired'][0]:,}",
                f"{gen['expired'][1]:,}",
                f"{gen['expired'][2]:,}",
                f"{gen['expired'][3]:.1f}",
            ],
            [
                f"live: 45 days back to the window's end, {size['upcoming']:,} in the next 48 h",
                f"{gen['live'][0]:,}",
                f"{gen['live'][1]:,}",
                f"{gen['live'][2]:,}",
                f"{gen['live'][3]:.1f}",
            ],
        ],
    )

    def row(name, run, rows):
        return [
            name,
            rows,
            f"{run['seconds']:.2f}",
            f"{run['base_mb']:.0f}",
            f"{run['peak_mb']:.0f}",
            f"{run['peak_mb'] - run['base_mb']:+.0f}",
            run["summary"],
        ]

    total = gen["expired"][1] + gen["live"][1]
    header = [f"job ({size['offices']} offices, {total:,} bookings)", "rows", "seconds"]
    header += ["RSS loaded MB", "RSS peak MB", "growth MB", "the job's summary"]
    jobs = _md_table(
        header,
        [
            row("reminder scan, five minutes after the last", r["reminders_idle"], ""),
            row(
                "reminder scan, every upcoming booking due at once",
                r["reminders_burst"],
                f"{r['reminders_burst']['rows']:,} due",
            ),
            row("slot generation (one new day per office)", r["generation_run"], ""),
            row(
                "retention purge",
                r["purge"],
                f"{gen['expired'][1]:,} + {gen['expired'][2]:,} expired",
            ),
        ],
    )
    return generated + "\n\n" + jobs + "\n"


def write_jobs_docs(path: Path, r: dict) -> None:
    lines = [
        JOBS_START,
        f"Measured {r['when']} by `bench/run.py --jobs` (also the last part of `make bench`).",
        "",
        _md_table(["machine", ""], [[k, v] for k, v in r["machine"].items()]),
        "",
        jobs_table(r),
        "EXPLAIN (ANALYZE, BUFFERS) of the reminder scan's query, its first batch with every",
        "upcoming booking due:",
        "",
        "```",
        r["explain"],
        "```",
        JOBS_END,
    ]
    text = path.read_text(encoding="utf-8")
    if JOBS_START not in text:
        text = text.replace(END, f"{END}\n\n{JOBS_START}\n{JOBS_END}", 1)
    before, _start, rest = text.partition(JOBS_START)
    _old, _end, after = rest.partition(JOBS_END)
    path.write_text(before + "\n".join(lines) + after, encoding="utf-8")
