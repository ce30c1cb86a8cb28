"""What the client address and the rate limits cost a request, in-process (no server).

    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/limits.py

`client_ip` for a direct connection, behind one proxy, and behind it with about the longest
X-Forwarded-For gunicorn accepts (a header line of 8,190 bytes: 500 made-up entries);
then what a failure (`ratelimits.failed`, address and NIK counters) and a check before a
send (`check` + `record`) cost on the configured cache: Redis with REDIS_URL, else local
memory. A right pair costs nothing: it is not counted. The counters made here expire within
the hour; nothing else in the cache is touched.
"""

import ipaddress
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ktpportal.settings")


def per_call_us(fn, calls: int) -> float:
    """Median of 5 rounds, in microseconds per call; `fn` gets a number new to each call."""
    rounds = []
    for r in range(5):
        start = time.perf_counter()
        for n in range(r * calls, (r + 1) * calls):
            fn(n)
        rounds.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(rounds)


def main() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.test import RequestFactory

    from ktpportal import ratelimits
    from ktpportal.net import client_ip

    factory = RequestFactory()
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.89.0.0/24")]
    longest = ", ".join(["203.0.113.250"] * 500 + ["198.51.100.7"])
    assert len(longest) < 8190
    cases = {
        "direct": (0, factory.post("/", REMOTE_ADDR="198.51.100.7")),
        "one proxy": (
            1,
            factory.post("/", REMOTE_ADDR="10.89.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7"),
        ),
        "one proxy, 500 forged entries": (
            1,
            factory.post("/", REMOTE_ADDR="10.89.0.2", HTTP_X_FORWARDED_FOR=longest),
        ),
    }
    print("client_ip, microseconds per call")
    for name, (count, request) in cases.items():
        settings.TRUSTED_PROXY_COUNT = count
        assert client_ip(request) == "198.51.100.7"
        cost = per_call_us(lambda n, request=request: client_ip(request), 2000)
        print(f"  {name:32} {cost:8.1f}")

    settings.TRUSTED_PROXY_COUNT = 0
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"rate limits on {backend}, microseconds per request")

    # A new address (IPv6 /64) and NIK (16 digits is all the counters look at) for every
    # call, so no counter reaches its limit, in this run or the last.
    base = random.randrange(10**15, 9 * 10**15)

    def request_from(n):
        return factory.post("/", REMOTE_ADDR=str(ipaddress.ip_address("2001:db8::") + (n << 64)))

    def fail(n):
        ratelimits.failed(request_from(n), ratelimits.STATUS_FAILURES, nik=str(base + n))

    def send(n):
        request, nik = request_from(n), str(base + 10**7 + n)
        ratelimits.check(request, ratelimits.STATUS_LINKS, nik=nik)
        ratelimits.record(request, ratelimits.STATUS_LINKS, nik=nik)

    print(f"  {'a failure (2 counters)':32} {per_call_us(fail, 500):8.1f}")
    print(f"  {'a link: check + record':32} {per_call_us(send, 500):8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
