from urllib.parse import urlencode

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from dokumen.checklist import checklist_for
from dokumen.models import OfficeRequirementChange
from ktpportal.models import Office, ServiceType
from ktpportal.params import query_list, query_text


@require_GET
def index(request):
    services = ServiceType.objects.active().only("code", "name", "when_applies")
    return render(request, "dokumen/index.html", {"services": services})


@require_GET
def checklist(request, code):
    service_type = get_object_or_404(ServiceType.objects.active(), code=code)
    # Only offices whose list differs are offered: every other office uses the national
    # list, and a province's hundreds of offices would make the page too heavy for a phone.
    differs = OfficeRequirementChange.objects.filter(
        office=OuterRef("pk"), service_type=service_type
    )
    offices = list(Office.objects.active().filter(Exists(differs)).only("slug", "name"))
    office = None
    slug = query_text(request, "kantor", max_length=Office._meta.get_field("slug").max_length)
    if slug:
        office = Office.objects.active().filter(slug=slug).first()
        if office is None:
            raise Http404("unknown office")
    book_query = {"layanan": service_type.code}
    if office is not None:
        book_query["kantor"] = office.slug
    return render(
        request,
        "dokumen/checklist.html",
        {
            "checklist": checklist_for(service_type, office),
            "offices": offices,
            # The ticked items' keys (n12, k3); no checklist has a hundred items.
            "ticked": set(query_list(request, "ada", max_items=100, max_length=20)),
            "book_url": f"{reverse('antrean:index')}?{urlencode(book_query)}",
        },
    )
