"""The client's address, as seen through our own TLS proxy when there is one."""

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or behind the proxy (BEHIND_PROXY=1) the address it appended last to
    X-Forwarded-For. Earlier entries are whatever the client sent and cannot be trusted:
    rate limits and login lockouts must not be dodged by a made-up header."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
