"""The client's address, as seen through our own proxies when there are any.

Rate limits and the staff login lockout count by this address, so a client must not be able
to choose it. X-Forwarded-For is read only when the connection comes from one of
TRUSTED_PROXIES, and then only the entry our own proxies wrote: each of the
TRUSTED_PROXY_COUNT proxies appends the address it was connected from, so the client is the
TRUSTED_PROXY_COUNT-th entry from the right, and anything to its left is whatever the client
sent, never read. python-ipware (django-ipware's engine) reads our entries: ports, brackets,
IPv6, IPv4-mapped addresses.
"""

import ipaddress

from django.conf import settings
from python_ipware import IpWare

# No usable address at all (a socket without one and no forwarded entry): all such
# requests share one counter rather than failing. An address to count by, not to bind to.
UNKNOWN = "0.0.0.0"  # noqa: S104


def _parse(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; count them as IPv4, not
    # inside the IPv6 /64 that django-ratelimit would group them in.
    return getattr(address, "ipv4_mapped", None) or address


def _from_trusted_proxy(peer) -> bool:
    # A unix socket has no address: only processes on this host can connect to it, so it
    # is the proxy (gunicorn's forwarded_allow_ips treats it the same way).
    return peer is None or any(peer in network for network in settings.TRUSTED_PROXIES)


def client_ip(request) -> str:
    """The client's IP address for rate limits and lockouts (RATELIMIT_IP_META_KEY,
    AXES_CLIENT_IP_CALLABLE). Never raises: a header that cannot be read counts the
    connection's own address."""
    peer = _parse(request.META.get("REMOTE_ADDR"))
    count = settings.TRUSTED_PROXY_COUNT
    if count and _from_trusted_proxy(peer):
        # Only the entries our proxies appended are read: a client's own, however long or
        # malformed, cost nothing and choose nothing.
        ours = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", count)[-count:]
        # Strict: exactly our `count` entries, each an address, or none of them is believed.
        # ipware counts the proxies after the client; ours nearest is the connection itself.
        forwarded, _trusted = IpWare(
            precedence=("HTTP_X_FORWARDED_FOR",), proxy_count=count - 1
        ).get_client_ip({"HTTP_X_FORWARDED_FOR": ",".join(ours)}, strict=True)
        if forwarded is not None:
            return str(forwarded)
    return str(peer) if peer else UNKNOWN
