"""`make bench` on a machine that lacks something says what, in one line, before it creates
anything (a fresh machine used to get a FileNotFoundError traceback for wrk)."""

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_bench(path: Path) -> subprocess.CompletedProcess:
    port = closed_port()
    env = {
        **os.environ,
        "PATH": str(path),
        # Nothing answers here, so no run can touch a real database or Redis.
        "BENCH_PG_ADMIN_URL": f"postgres://postgres@127.0.0.1:{port}/postgres",
        "BENCH_REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "BENCH_DB_NAME": "ktp_bench_preflight",
    }
    return subprocess.run(
        [sys.executable, "bench/run.py", "--small", "--no-docs", "--deadline", "60"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_wrk_the_bench_names_it_in_one_line(tmp_path):
    run = run_bench(tmp_path)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == [
        "make bench needs wrk: install it (Debian/Ubuntu: sudo apt-get install wrk)"
    ]


def test_without_postgresql_the_bench_says_so_in_one_line(tmp_path):
    wrk = tmp_path / "wrk"
    wrk.write_text("#!/bin/sh\nexit 0\n")
    wrk.chmod(0o755)
    run = run_bench(tmp_path)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    [line] = run.stderr.strip().splitlines()
    assert line.startswith("make bench needs PostgreSQL (a superuser) at BENCH_PG_ADMIN_URL: ")


def test_make_bench_without_wrk_or_apt_names_what_to_install(tmp_path):
    # bench/needs.sh, run by `make bench` before bench/run.py: as root with apt-get it would
    # install wrk; here neither wrk nor apt-get is on the PATH.
    (tmp_path / "id").symlink_to("/usr/bin/id")
    run = subprocess.run(
        ["/bin/bash", "bench/needs.sh"],
        cwd=ROOT,
        env={**os.environ, "PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        "make bench needs wrk: install it (Debian/Ubuntu: sudo apt-get install wrk)"
    ]
