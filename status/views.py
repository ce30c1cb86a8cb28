"""Citizens follow their application here. What unlocks a timeline: the receipt number
together with the NIK, or a signed link sent to the phone or email on file. A NIK alone
(printed on many documents) never shows anything.

Every lookup is a POST (no NIK in a URL or an access log) and every response is `no-store`.
"""

from django.core import signing
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from dokumen.checklist import checklist_for
from ktpportal.nik import normalize_nik
from status.forms import NIKLinkForm, ReceiptLookupForm
from status.services import (
    LINK_MAX_AGE,
    SHOWS_CHECKLIST,
    application_from_link,
    find_application,
    send_status_link,
)
from status.stages import Stage

# Both lookups share these counters. An IP is counted apart from a NIK, so one NIK tried
# from many addresses is still limited, and many NIKs tried from one address too.
IP_RATE = "40/h"
NIK_RATE = "10/h"
MAX_NIK_INPUT = 40


def _nik_key(group, request) -> str:
    # A keyed hash: the cache (Redis) never holds a NIK, and the key cannot be reversed by
    # hashing every possible NIK without the secret.
    nik = normalize_nik(request.POST.get("nik", "")[:MAX_NIK_INPUT])
    return salted_hmac("status.ratelimit.nik", nik, algorithm="sha256").hexdigest()


def _nik_rate(group, request) -> str | None:
    # No NIK typed: nothing to count per NIK (the per-IP limit still applies).
    return NIK_RATE if normalize_nik(request.POST.get("nik", "")) else None


def _limited(view):
    view = ratelimit(group="status:nik", key=_nik_key, rate=_nik_rate, method="POST")(view)
    return ratelimit(group="status:ip", key="ip", rate=IP_RATE, method="POST")(view)


def _index(request, *, receipt_form=None, link_form=None, not_found=False, status=200):
    return render(
        request,
        "status/index.html",
        {
            "receipt_form": receipt_form or ReceiptLookupForm(auto_id="tt-%s"),
            "link_form": link_form or NIKLinkForm(auto_id="tautan-%s"),
            "not_found": not_found,
        },
        status=status,
    )


def _timeline(request, application):
    stage = Stage(application.stage)
    checklist = None
    if stage in SHOWS_CHECKLIST:
        checklist = checklist_for(application.service_type, application.office)
    return render(
        request,
        "status/application.html",
        {
            "application": application,
            "office": application.office,
            "stage": stage,
            "text": application.stage_text,
            "changes": application.changes.order_by("changed_at", "pk"),
            "checklist": checklist,
            "Stage": Stage,
            "now": timezone.now(),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@_limited
def index(request):
    if request.method == "GET":
        return _index(request)
    form = ReceiptLookupForm(request.POST, auto_id="tt-%s")
    if not form.is_valid():
        return _index(request, receipt_form=form, status=400)
    application = find_application(
        receipt_number=form.cleaned_data["receipt_number"], nik=form.cleaned_data["nik"]
    )
    if application is None:
        # The same page, byte for byte, whether the receipt does not exist or belongs to
        # another NIK: an empty form (nothing typed is echoed) and one message.
        return _index(request, not_found=True, status=404)
    return _timeline(request, application)


@never_cache
@require_POST
@_limited
def send_link(request):
    form = NIKLinkForm(request.POST, auto_id="tautan-%s")
    if not form.is_valid():
        return _index(request, link_form=form, status=400)
    send_status_link(
        nik=form.cleaned_data["nik"],
        link_for=lambda token: request.build_absolute_uri(reverse("status:link", args=[token])),
    )
    return render(
        request,
        "status/link_sent.html",
        {"minutes": int(LINK_MAX_AGE.total_seconds() // 60)},
    )


@never_cache
@require_GET
def link(request, token):
    try:
        application = application_from_link(token)
    except signing.SignatureExpired:
        return render(request, "status/link_invalid.html", {"expired": True}, status=410)
    except signing.BadSignature:
        application = None
    if application is None:
        return render(request, "status/link_invalid.html", {"expired": False}, status=400)
    return _timeline(request, application)
