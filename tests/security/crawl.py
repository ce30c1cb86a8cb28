"""Walk the portal's public pages with the test client, the way a visitor's links lead."""

import collections
import html
import re
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve

HREF = re.compile(r"""\b(?:href|action|src)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
SKIP_PREFIXES = ("/static/", "/admin/", "/i18n/")


def links_in(text: str) -> list[str]:
    return [html.unescape(value) for value in HREF.findall(text)]


def crawl(client, start: str = "/", *, per_route: int = 3, limit: int = 120) -> dict:
    """GET every internal page reachable from `start`, at most `per_route` pages for each URL
    pattern (one office's date page stands for all of them). Returns {url: response}, each
    response with `.links` (every href/action/src in it) and `.location` (a redirect's target).
    """
    seen: dict = {}
    per_pattern = collections.Counter()
    queue = collections.deque([start])
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        path = urlsplit(url).path
        try:
            route = resolve(path).route
        except Resolver404:
            route = "<404>"
        if per_pattern[route] >= per_route:
            continue
        per_pattern[route] += 1
        response = client.get(url)
        response.location = response.get("Location", "")
        text = response.content.decode(errors="replace") if not response.streaming else ""
        response.links = links_in(text)
        seen[url] = response
        for target in [*response.links, response.location]:
            target, _ = urldefrag(target)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if target.startswith(SKIP_PREFIXES) or target in seen:
                continue
            queue.append(target)
    return seen
