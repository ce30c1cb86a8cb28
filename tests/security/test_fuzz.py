"""Malformed input at every public form, query parameter, address part and cookie: never a
5xx, and nothing saved by a refused request.

Two passes over the same list of inputs (TARGETS):
- every kind of junk (`junk_kinds`: NUL, control and invisible characters, a lone surrogate,
  odd Unicode, 256 and 10,000 characters, several values for one key, the empty string) in
  each input in turn, the others valid, so that each kind reaches each check at least once;
- hypothesis mixing valid values, junk and valid values with junk spliced in, in all inputs
  at once.
Requests are encoded by hand from UTF-8 with surrogates passed through, so nothing is cleaned
on the way in, and the test client re-raises a view's exception: a 500 fails with its
traceback. On PostgreSQL (CI) a NUL reaching a query is an error; SQLite takes it.

The hypothesis examples are derandomized (the same on every run: CI never goes red by luck).
"""

import contextlib
import datetime
from dataclasses import dataclass, field
from importlib import import_module
from types import SimpleNamespace
from urllib.parse import quote

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import transaction
from django.test import Client
from django.utils.http import url_has_allowed_host_and_scheme
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from antrean.models import Booking, Slot
from antrean.views.common import SESSION_KEY
from ktpportal.models import Citizen
from ktpportal.notifications.models import Notification
from status.models import Application
from status.services import LINK_SALT
from tests.antrean.conftest import NOW, VISIT_DAY, make_booking, make_slot, open_office
from tests.factories import VALID_NIK, VALID_NIK_FEMALE, make_service_type
from tests.status.factories import make_application

pytestmark = pytest.mark.django_db

SessionStore = import_module(django_settings.SESSION_ENGINE).SessionStore

# Known, so that the inputs below can be valid: the booking's code, the application's receipt
# number, the session of the browser that found the booking, the staff login.
CODE = "7KQ2-M9XD-4HTP"
RECEIPT = "4HTP-7KQ2-M9XD"
SESSION = "fuzz0000000000000000000000000001"
STAFF = ("petugas", "sandi-2026")
DAY = VISIT_DAY.isoformat()


@dataclass(frozen=True)
class Target:
    """One page and its inputs, each with a valid value, and the status all of them valid
    get. `{slot}`, `{later}` and `{token}` in a value stand for what the fixture makes."""

    method: str
    path: str  # `{name}` for each of `segments`
    ok: int
    fields: dict = field(default_factory=dict)  # the query string (GET) or the form (POST)
    segments: dict = field(default_factory=dict)
    cookies: dict = field(default_factory=dict)

    def inputs(self):
        for place in ("fields", "segments", "cookies"):
            for name, valid in getattr(self, place).items():
                yield place, name, valid


IN_SESSION = {django_settings.SESSION_COOKIE_NAME: SESSION}
BOOK = "/antrean/uji/ktp-baru/{day}/{slot_id}/"
RESCHEDULE = "/antrean/kelola/jadwal/{day}/{slot_id}/"
A_SLOT = {"day": DAY, "slot_id": "{later}"}
TARGETS = {
    "office list": Target(
        "GET", "/antrean/", 200, {"q": "uji", "provinsi": "31", "layanan": "ktp-baru"}
    ),
    # dokumen's "Ambil antrean" button: a known office is a redirect before any filter.
    "office list from dokumen": Target(
        "GET", "/antrean/", 302, {"layanan": "ktp-baru", "kantor": "uji"}
    ),
    "service choice": Target("GET", "/antrean/uji/", 302, {"layanan": "ktp-baru"}),
    "checklist": Target("GET", "/dokumen/ktp-baru/", 200, {"kantor": "uji", "ada": "n1"}),
    "time page": Target("GET", "/antrean/uji/ktp-baru/{day}/", 200, segments={"day": DAY}),
    "book page": Target("GET", BOOK, 200, segments=A_SLOT),
    "booking": Target(
        "POST",
        BOOK,
        302,
        {
            "nik": VALID_NIK_FEMALE,
            "full_name": "Siti Aminah",
            "phone": "0812 3456 7890",
            "email": "siti@example.id",
            "sms_consent": "on",
            "submission_token": "6f1c2a52-3b5e-4a57-9d42-1c0e9f8b7a61",
        },
        segments=A_SLOT,
    ),
    "manage": Target("POST", "/antrean/kelola/", 302, {"code": CODE, "nik": VALID_NIK}),
    "reschedule times": Target(
        "GET", "/antrean/kelola/jadwal/{day}/", 200, segments={"day": DAY}, cookies=IN_SESSION
    ),
    "reschedule page": Target("GET", RESCHEDULE, 200, segments=A_SLOT, cookies=IN_SESSION),
    "reschedule": Target("POST", RESCHEDULE, 302, segments=A_SLOT, cookies=IN_SESSION),
    "status lookup": Target("POST", "/status/", 200, {"receipt_number": RECEIPT, "nik": VALID_NIK}),
    "status link form": Target("POST", "/status/kirim-tautan/", 200, {"nik": VALID_NIK}),
    "status link": Target("GET", "/status/lihat/{token}/", 200, segments={"token": "{token}"}),
    "language switch": Target(
        "POST", "/i18n/setlang/", 302, {"language": "en", "next": "/antrean/"}
    ),
    "staff login": Target(
        "POST",
        "/admin/login/",
        302,
        {"username": STAFF[0], "password": STAFF[1], "next": "/admin/"},
    ),
    "cookies": Target(
        "GET",
        "/antrean/kelola/antrean/",
        200,
        cookies={**IN_SESSION, django_settings.LANGUAGE_COOKIE_NAME: "en"},
    ),
}


def junk_kinds(valid: str) -> dict:
    """Each kind of malformed value, made from an input's valid value where that helps it
    past the first check (a NIK with a NUL after its sixth digit)."""
    return {
        "empty": "",
        "nul": "\x00",
        "nul inside": valid[:6] + "\x00" + valid[6:],
        "control": valid + "\x1b[2J\x07\r\n\x7f",
        "invisible": "\u202e" + valid + "\u200b\ufeff\u00ad",
        "surrogate": valid + "\ud800",
        "odd unicode": "\U0010ffff\ufffd\uff33\u0663\U0001f600" + valid,
        "256 characters": (valid or "a").ljust(256, "a"),
        "10,000 characters": (valid or "9") * (10_000 // max(len(valid), 1) + 1),
        "several values": [valid, "\x00", valid + "x"],
    }


# Values at the edges of what an address part can name.
EDGES = {
    "day": ["9999-12-31", "0001-01-01", "9000-01-01", "2026-02-30", "0000-00-00"],
    "slot_id": ["0", "-1", "99999999999999999999999"],
}


def _junk_for(name: str, valid: str) -> dict:
    return {**junk_kinds(valid), **{f"edge {edge}": edge for edge in EDGES.get(name, [])}}


# --- Sending --------------------------------------------------------------------------------


def _bytes(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def _encode(data: dict) -> str:
    """`application/x-www-form-urlencoded`, lone surrogates and all (as their raw bytes)."""
    return "&".join(
        f"{quote(name)}={quote(_bytes(one), safe='')}"
        for name, value in data.items()
        for one in (value if isinstance(value, list) else [value])
    )


def _last(value):
    return value[-1] if isinstance(value, list) else value


def send(target: Target, values: dict, portal):
    """The request `target` makes with `values` ({(place, name): value}), and its checks."""
    ids = portal.ids
    sent = {place: {} for place in ("fields", "segments", "cookies")}
    for (place, name), value in values.items():
        sent[place][name] = (
            [ids.get(v, v) for v in value] if isinstance(value, list) else ids.get(value, value)
        )
    path = target.path.format(
        **{name: quote(_bytes(_last(v)), safe="") for name, v in sent["segments"].items()}
    )
    client = Client()
    for name, value in sent["cookies"].items():
        # A cookie is bytes: latin-1 keeps each one as it is, quoted by the client if need be.
        client.cookies[name] = _bytes(_last(value)).decode("latin-1")
    before = _counts()
    if target.method == "GET":
        response = client.get(f"{path}?{_encode(sent['fields'])}")
    else:
        response = client.post(
            path, _encode(sent["fields"]), content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code < 500
    if response.status_code >= 400:
        assert _counts() == before, "a refused request saved something"
    assert _stored_cleanly()
    location = response.get("Location", "")
    assert not location or url_has_allowed_host_and_scheme(location, {"testserver"})
    return response


def _counts():
    return (
        Booking.objects.count(),
        Citizen.objects.count(),
        Notification.objects.count(),
        sorted(Slot.objects.values_list("pk", "booked")),
        sorted(Booking.objects.values_list("pk", "slot_id")),
    )


def _stored_cleanly() -> bool:
    """What a citizen typed is stored without control characters or broken Unicode, and no
    staff login attempt is recorded under a username no account can have."""
    texts = [
        text
        for row in Citizen.objects.values_list("nik", "full_name", "phone", "email")
        for text in row
    ]
    texts += [t for row in Booking.objects.values_list("full_name", "phone", "email") for t in row]
    clean = not any(ord(c) < 32 or 0xD800 <= ord(c) <= 0xDFFF for t in texts for c in t)
    return clean and all(
        len(u) <= 150 for u in AccessAttempt.objects.values_list("username", flat=True)
    )


# --- The portal they are sent to ------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_limits_no_cache(settings):
    # Hundreds of POSTs from one address would hit the rate limits (tested on their own), and
    # the free-seat cache would answer the date pages from an earlier request.
    settings.RATELIMIT_ENABLE = False
    settings.AVAILABILITY_CACHE_SECONDS = 0


@pytest.fixture
def portal(db, django_user_model):
    """An office open every day with one service, two slots on the visit day, a booking on
    the first, found in the SESSION browser; its application; a staff login. The clock stays
    at NOW for the whole test."""
    with time_machine.travel(NOW, tick=False):
        service = make_service_type(code="ktp-baru", name="KTP-el baru")
        office = open_office(service_type=service, name="Sudin Dukcapil Uji", slug="uji")
        slot = make_slot(office, hour=9)
        later = make_slot(office, hour=13)
        booking = make_booking(slot, service, email="siti@example.id")
        Booking.objects.filter(pk=booking.pk).update(code=CODE)
        application = make_application(office=office, service_type=service, citizen=booking.citizen)
        Application.objects.filter(pk=application.pk).update(receipt_number=RECEIPT)
        django_user_model.objects.create_user(STAFF[0], password=STAFF[1], is_staff=True)
        Session.objects.create(
            session_key=SESSION,
            session_data=SessionStore().encode({SESSION_KEY: booking.pk}),
            expire_date=NOW + datetime.timedelta(days=1),
        )
        token = signing.TimestampSigner(salt=LINK_SALT).sign(str(application.pk))
        yield SimpleNamespace(
            ids={"{slot}": str(slot.pk), "{later}": str(later.pk), "{token}": token}
        )


@contextlib.contextmanager
def rolled_back():
    """Each request in a savepoint undone after it: every one meets the same portal."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# --- Every kind of junk in every input ----------------------------------------------------------


def test_the_valid_values_are_valid(portal, subtests):
    """Each target with its valid values gets past every check: the junk below meets the
    checks of a page that works, not a door that is shut anyway."""
    for target_name, target in TARGETS.items():
        with subtests.test(target_name), rolled_back():
            response = send(target, {(p, n): v for p, n, v in target.inputs()}, portal)
            assert response.status_code == target.ok


def test_each_kind_of_junk_in_each_input(portal, subtests):
    for target_name, target in TARGETS.items():
        valid_values = {(place, name): valid for place, name, valid in target.inputs()}
        for (place, name), valid in valid_values.items():
            for kind, junk in _junk_for(name, valid).items():
                with subtests.test(f"{target_name}: {name}, {kind}"), rolled_back():
                    send(target, {**valid_values, (place, name): junk}, portal)


# --- Any mix, by hypothesis ------------------------------------------------------------------

ODD = st.characters(categories=["Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs", "Mn", "So"])
WITH_NUL = st.builds(lambda before, after: f"{before}\x00{after}", st.text(), st.text())
LONG = st.builds(
    lambda char, length: char * length,
    st.sampled_from(["a", "\x00", "9", "\u00e9", "\ud800", " "]),
    st.sampled_from([41, 101, 151, 256, 10_000]),
)
JUNK = st.one_of(st.just(""), WITH_NUL, st.text(ODD, max_size=20), st.text(max_size=20), LONG)


def _value(valid: str):
    """Valid, junk, valid with junk spliced in, or several of those for one key."""
    spliced = st.builds(
        lambda junk, at: valid[:at] + junk + valid[at:],
        st.text(ODD, min_size=1, max_size=3),
        st.integers(0, len(valid)),
    )
    one = st.one_of(st.just(valid), JUNK, spliced)
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    # `portal` is made once per test; each example runs in a savepoint rolled back after it.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(target_name=st.sampled_from(sorted(TARGETS)), data=st.data())
def test_any_mix_of_valid_values_and_junk(portal, target_name, data):
    target = TARGETS[target_name]
    values = {}
    for place, name, valid in target.inputs():
        # A field or cookie may be missing; an address always has all its parts.
        maybe = _value(valid) if place == "segments" else st.none() | _value(valid)
        value = data.draw(maybe, label=f"{place} {name}")
        if value is not None:
            values[place, name] = value
    with rolled_back():
        send(target, values, portal)
