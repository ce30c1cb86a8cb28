"""The citizen's and the staff's flows, walked with the test client."""

import re

from tests.e2e.steps import NIK
from tests.security.crawl import links_in

INPUT = re.compile(r"<(?:input|textarea|select)\b[^>]*>", re.IGNORECASE)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def first_link(client, url, pattern):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return next(link for link in links_in(response.text) if re.fullmatch(pattern, link))


def booking_form_url(client, office="jaksel", service="baru-17"):
    dates = f"/antrean/{office}/{service}/"
    day = first_link(client, dates, rf"{dates}\d{{4}}-\d\d-\d\d/")
    return first_link(client, day, rf"{day}\d+/")


def form_fields(html: str) -> dict:
    """The values a browser would send for the page's inputs (hidden ones included)."""
    fields = {}
    for tag in INPUT.findall(html):
        attrs = dict(ATTR.findall(tag))
        if "name" in attrs and attrs.get("type") not in {"submit", "checkbox"}:
            fields[attrs["name"]] = attrs.get("value", "")
    return fields


def book(client, *, nik=NIK, full_name="Siti Aminah", email="siti@example.id"):
    url = booking_form_url(client)
    page = client.get(url)
    data = form_fields(page.text) | {"nik": nik, "full_name": full_name, "email": email}
    return client.post(url, data)
