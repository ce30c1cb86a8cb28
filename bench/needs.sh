#!/usr/bin/env bash
# What `make bench` needs from the machine beyond the virtualenv, installed the way .ci/run
# does: with apt-get when we are root on Debian and it is missing, else named in one line.
# PostgreSQL and Redis must already be running: bench/run.py checks them before it starts.
set -euo pipefail

need=()
command -v wrk >/dev/null || need+=(wrk)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "== installing ${need[*]} for the benchmarks"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "make bench needs ${need[*]}: install it (Debian/Ubuntu: sudo apt-get install ${need[*]})" >&2
  exit 1
fi
