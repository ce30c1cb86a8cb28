"""The link in a closure notice (antrean.closure_notices): it opens the reschedule of the
one booking it was sent for, in whatever browser opens it, without the code and NIK."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from antrean.closure_notices import GRACE_DAYS, LinkError, booking_for_link
from antrean.views.common import remember
from ktpportal import ratelimits

_PROBLEMS = {
    "unknown": (
        404,
        gettext_lazy("Tautan tidak berlaku"),
        gettext_lazy(
            "Tautan ini tidak lengkap atau salah. Salin seluruh tautan dari pesan yang Anda "
            "terima, atau cari antrean Anda dengan kode antrean dan NIK."
        ),
    ),
    "expired": (
        410,
        gettext_lazy("Tautan sudah kedaluwarsa"),
        gettext_lazy(
            "Tautan ubah jadwal berlaku sampai %(days)s hari setelah tanggal kunjungan yang "
            "dibatalkan kantor. Hubungi kantor, atau cari antrean Anda dengan kode antrean "
            "dan NIK."
        ),
    ),
    "used": (
        410,
        gettext_lazy("Tautan sudah dipakai"),
        gettext_lazy(
            "Antrean ini sudah dipindah ke jadwal lain, dibatalkan, atau sudah dilayani, "
            "jadi tautan ini tidak berlaku lagi. Cari antrean Anda dengan kode antrean dan NIK "
            "untuk melihat jadwalnya sekarang."
        ),
    ),
}


@never_cache
@require_GET
def reschedule_link(request, token):
    try:
        booking = booking_for_link(token=token)
    except LinkError as error:
        # Only failures count against the address (ktpportal.ratelimits): a carrier's
        # address opening many good links during a closure is a crowd, not a guesser.
        ratelimits.failed(request, ratelimits.LINK_FAILURES)
        status, title, message = _PROBLEMS[error.reason]
        return render(
            request,
            "antrean/problem.html",
            {
                "title": title,
                # Only the "expired" text has a placeholder; the others pass through as they are.
                "message": str(message) % {"days": GRACE_DAYS},
                "back_url": reverse("antrean:manage"),
                "back_text": _("Cari antrean"),
            },
            status=status,
        )
    remember(request, booking)
    messages.warning(
        request,
        _(
            "Kantor tidak dapat melayani jadwal kunjungan Anda. Pilih tanggal baru di bawah "
            "ini, atau batalkan antrean dari halaman antrean Anda."
        ),
    )
    return redirect("antrean:reschedule-dates")
