"""Citizens follow their application here. What unlocks a timeline: the receipt number
together with the NIK, or a signed link sent to the phone or email on file. A NIK alone
(printed on many documents) never shows anything.

Every lookup is a POST (no NIK in a URL or an access log) and every response is `no-store`.
"""

from django.core import signing
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dokumen.checklist import checklist_for
from ktpportal import ratelimits
from status.forms import NIKLinkForm, ReceiptLookupForm
from status.services import (
    LINK_MAX_AGE,
    SHOWS_CHECKLIST,
    application_from_link,
    find_application,
    send_status_link,
)
from status.stages import Stage


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
def index(request):
    """Receipt number + NIK. Only wrong pairs are counted (ktpportal.ratelimits), and a
    right one is answered whatever was tried with that NIK before."""
    if request.method == "GET":
        return _index(request)
    form = ReceiptLookupForm(request.POST, auto_id="tt-%s")
    typed_nik = request.POST.get("nik", "")
    if not form.is_valid():
        ratelimits.failed(request, ratelimits.STATUS_FAILURES, nik=typed_nik)
        return _index(request, receipt_form=form, status=400)
    application = find_application(
        receipt_number=form.cleaned_data["receipt_number"], nik=form.cleaned_data["nik"]
    )
    if application is None:
        ratelimits.failed(request, ratelimits.STATUS_FAILURES, nik=typed_nik)
        # The same page, byte for byte, whether the receipt does not exist or belongs to
        # another NIK: an empty form (nothing typed is echoed) and one message.
        return _index(request, not_found=True, status=404)
    return _timeline(request, application)


@never_cache
@require_POST
def send_link(request):
    """The NIK alone: always the same answer, and a link to the contact on file if there is
    an application. Every request is counted, per NIK and per address, sent or not."""
    form = NIKLinkForm(request.POST, auto_id="tautan-%s")
    if not form.is_valid():
        ratelimits.failed(request, ratelimits.STATUS_FAILURES, nik=request.POST.get("nik", ""))
        return _index(request, link_form=form, status=400)
    nik = form.cleaned_data["nik"]
    ratelimits.check(request, ratelimits.STATUS_LINKS, nik=nik)
    ratelimits.record(request, ratelimits.STATUS_LINKS, nik=nik)
    send_status_link(
        nik=nik,
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
