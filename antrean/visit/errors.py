"""The error the visit-day services raise, with the message staff read."""

from django.utils.translation import gettext_lazy as _


class VisitError(Exception):
    """A visit-day rule was not met; `message` (Indonesian msgid) is shown to staff, who
    tell the citizen; `code` lets a page offer the next step (e.g. a walk-in ticket for a
    late arrival)."""

    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)


MESSAGES = {
    "unknown": _("Kode booking tidak dikenal. Periksa lagi kodenya (12 huruf/angka)."),
    "other_office": _(
        "Booking ini untuk %(office)s, bukan kantor ini. Nomor antrean tidak diberikan."
    ),
    "cancelled": _("Booking ini sudah dibatalkan. Nomor antrean tidak diberikan."),
    "no_show": _("Booking ini sudah ditandai tidak hadir. Nomor antrean tidak diberikan."),
    "already": _("Booking ini sudah check-in pukul %(time)s (nomor antrean %(ticket)s)."),
    "already_no_ticket": _("Booking ini sudah ditandai hadir pukul %(time)s."),
    "switched_off": _(
        "Jadwal booking ini ditiadakan oleh kantor. Warga bisa mengganti jadwal lewat tautan "
        "yang dikirim, atau mengambil nomor antrean tanpa booking."
    ),
    "other_day": _("Booking ini untuk %(date)s, bukan hari ini. Nomor antrean tidak diberikan."),
    "too_early": _("Terlalu awal: check-in untuk jadwal %(slot)s dibuka pukul %(time)s."),
    "too_late": _("Terlambat: check-in untuk jadwal %(slot)s ditutup pukul %(time)s."),
    "too_late_walk_in": _(
        "Terlambat: check-in untuk jadwal %(slot)s ditutup pukul %(time)s. Petugas dapat "
        "memberi nomor antrean tanpa booking."
    ),
    "service_not_offered": _("Kantor ini tidak melayani %(service)s."),
    "closed_today": _("Kantor tidak melayani hari ini: %(reason)s"),
    "closed_now": _("Kantor sudah tutup hari ini (pukul %(time)s)."),
    "no_walk_ins": _("%(service)s tidak menerima antrean tanpa booking."),
    "walk_ins_full": _(
        "Kuota antrean tanpa booking untuk %(service)s hari ini (%(quota)s orang) sudah habis."
    ),
    "counter_busy": _(
        "%(counter)s masih memanggil atau melayani %(ticket)s: selesaikan, lewati atau "
        "pindahkan dulu."
    ),
    "counter_inactive": _("%(counter)s tidak aktif."),
    "queue_empty": _("Belum ada nomor antrean yang bisa dipanggil di %(counter)s."),
    "wrong_state": _("Nomor %(ticket)s sedang %(state)s; langkah ini tidak bisa dilakukan."),
    "not_this_counter": _("Nomor %(ticket)s sedang di %(counter)s, bukan di loket ini."),
    "transfer_nowhere": _("Pilih layanan atau loket tujuan."),
    "transfer_other_office": _("Tujuan pemindahan harus layanan atau loket kantor ini."),
    "busy": _("Sedang ramai, silakan coba lagi dalam beberapa detik."),
}


def refusal(code: str, **params) -> VisitError:
    message = MESSAGES[code]
    return VisitError(message % params if params else message, code=code)
