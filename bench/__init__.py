"""Benchmarks (issue 8): `make bench` runs bench/run.py. Not part of `make test`."""
