"""The stages of a KTP-el application and the one table of moves between them.

The main line follows the central system's technical states (see ../shared/DOMAIN.md): the
office checks the documents, records biometrics, sends the record to the centre (SFE), gets
it back print-ready (PRR), prints, and hands the card over. Side stages say what went wrong
and what the citizen must do. Every change of stage goes through `status.services`, which
checks `refusal()`; the database refuses any pair outside MOVES as a last line.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    DIAJUKAN = "diajukan", _("Diajukan")
    VERIFIKASI = "verifikasi", _("Verifikasi berkas")
    PEREKAMAN = "perekaman", _("Perekaman biometrik")
    PROSES_PUSAT = "proses_pusat", _("Proses pusat (SFE)")
    SIAP_CETAK = "siap_cetak", _("Siap cetak (PRR)")
    DICETAK = "dicetak", _("Dicetak")
    SIAP_DIAMBIL = "siap_diambil", _("Siap diambil")
    DISERAHKAN = "diserahkan", _("Diserahkan")
    BERKAS_KURANG = "berkas_kurang", _("Berkas kurang")
    DATA_GANDA = "data_ganda", _("Data ganda")
    REKAM_ULANG = "rekam_ulang", _("Rekam ulang")
    MENUNGGU_BLANGKO = "menunggu_blangko", _("Menunggu blangko")
    DITOLAK = "ditolak", _("Ditolak")
    DIBATALKAN = "dibatalkan", _("Dibatalkan")


S = Stage

# The allowed moves: from each stage, where it may go next. The one place this is decided.
MOVES: dict[Stage, frozenset[Stage]] = {
    S.DIAJUKAN: frozenset({S.VERIFIKASI, S.BERKAS_KURANG, S.DITOLAK, S.DIBATALKAN}),
    S.VERIFIKASI: frozenset(
        {
            S.PEREKAMAN,
            # Replacements and data changes reuse the biometrics on record: straight to the
            # centre, or straight to print (see BIOMETRIC_SKIPS).
            S.PROSES_PUSAT,
            S.SIAP_CETAK,
            S.BERKAS_KURANG,
            S.DITOLAK,
            S.DIBATALKAN,
        }
    ),
    S.BERKAS_KURANG: frozenset({S.VERIFIKASI, S.DITOLAK, S.DIBATALKAN}),
    S.PEREKAMAN: frozenset({S.PROSES_PUSAT, S.REKAM_ULANG, S.DIBATALKAN}),
    S.REKAM_ULANG: frozenset({S.PEREKAMAN, S.DIBATALKAN}),
    S.PROSES_PUSAT: frozenset({S.SIAP_CETAK, S.DATA_GANDA, S.REKAM_ULANG, S.DITOLAK, S.DIBATALKAN}),
    # A duplicate is resolved at the office and the record sent again, or refused.
    S.DATA_GANDA: frozenset({S.PROSES_PUSAT, S.DITOLAK, S.DIBATALKAN}),
    S.SIAP_CETAK: frozenset({S.DICETAK, S.MENUNGGU_BLANGKO, S.DIBATALKAN}),
    S.MENUNGGU_BLANGKO: frozenset({S.DICETAK, S.DIBATALKAN}),
    # A misprint, or a card found faulty at pick-up, is printed again. A printed card is
    # never cancelled: it is handed over or reprinted.
    S.DICETAK: frozenset({S.SIAP_DIAMBIL, S.SIAP_CETAK}),
    S.SIAP_DIAMBIL: frozenset({S.DISERAHKAN, S.SIAP_CETAK}),
    S.DISERAHKAN: frozenset(),
    S.DITOLAK: frozenset(),
    S.DIBATALKAN: frozenset(),
}

# Moves that skip biometric recording: refused for services that record biometrics.
BIOMETRIC_SKIPS = frozenset({(S.VERIFIKASI, S.PROSES_PUSAT), (S.VERIFIKASI, S.SIAP_CETAK)})

FINAL = frozenset(stage for stage, targets in MOVES.items() if not targets)

# The citizen gets a message on entering these: each needs them to act, or to come.
# Data ganda is here too: it needs a visit, and the citizen cannot know otherwise.
NOTIFY = frozenset(
    {
        S.BERKAS_KURANG,
        S.DATA_GANDA,
        S.REKAM_ULANG,
        S.MENUNGGU_BLANGKO,
        S.SIAP_DIAMBIL,
        S.DITOLAK,
    }
)


@dataclass(frozen=True)
class StageText:
    explanation: str  # what is happening, in plain words
    next_step: str  # what the citizen should do now ("" when nothing)


TEXTS: dict[Stage, StageText] = {
    S.DIAJUKAN: StageText(
        _("Permohonan Anda sudah kami terima dan tercatat."),
        _("Tidak perlu melakukan apa pun. Petugas akan memeriksa berkas Anda."),
    ),
    S.VERIFIKASI: StageText(
        _("Petugas sedang memeriksa kelengkapan dan keabsahan dokumen Anda."),
        _("Tunggu kabar dari kami. Jika ada dokumen yang kurang, kami akan memberi tahu."),
    ),
    S.PEREKAMAN: StageText(
        _("Foto, sidik jari, iris mata dan tanda tangan Anda direkam di kantor."),
        _("Jika belum direkam, datang ke kantor sesuai jadwal antrean Anda."),
    ),
    S.PROSES_PUSAT: StageText(
        _(
            "Data Anda sedang diproses di sistem pusat Dukcapil (SFE), termasuk pemeriksaan "
            "data ganda."
        ),
        _("Tidak perlu melakukan apa pun. Proses ini biasanya beberapa jam sampai beberapa hari."),
    ),
    S.SIAP_CETAK: StageText(
        _("Data Anda sudah disetujui pusat dan siap dicetak (PRR)."),
        _("Tidak perlu melakukan apa pun. Kartu akan dicetak di kantor."),
    ),
    S.DICETAK: StageText(
        _("KTP-el Anda sudah dicetak dan sedang diperiksa sebelum diserahkan."),
        _("Tunggu pemberitahuan bahwa kartu siap diambil."),
    ),
    S.SIAP_DIAMBIL: StageText(
        _("KTP-el Anda sudah jadi dan bisa diambil di kantor."),
        _(
            "Datang sendiri ke kantor pada jam layanan, bawa tanda terima permohonan dan "
            "dokumen di bawah ini."
        ),
    ),
    S.DISERAHKAN: StageText(
        _("KTP-el sudah diserahkan. Permohonan ini selesai."),
        _("Periksa data pada kartu. Jika ada yang salah, segera lapor ke kantor Dukcapil."),
    ),
    S.BERKAS_KURANG: StageText(
        _("Ada dokumen yang kurang atau belum sesuai, sehingga permohonan belum bisa diproses."),
        _("Lengkapi dokumen yang disebut petugas di bawah ini, lalu bawa ke kantor."),
    ),
    S.DATA_GANDA: StageText(
        _(
            "Sistem pusat menemukan data yang mirip dengan data penduduk lain (data ganda). "
            "Ini perlu dicek bersama Anda."
        ),
        _("Datang ke kantor dengan KK dan tanda terima permohonan untuk klarifikasi."),
    ),
    S.REKAM_ULANG: StageText(
        _("Hasil perekaman foto, sidik jari atau iris mata belum bisa dipakai."),
        _("Datang lagi ke kantor untuk perekaman ulang. Bawa tanda terima permohonan."),
    ),
    S.MENUNGGU_BLANGKO: StageText(
        _("Data Anda siap dicetak, tetapi blangko (kartu kosong) di kantor sedang habis."),
        _(
            "Sambil menunggu, Anda bisa meminta surat keterangan (suket) di kantor atau "
            "mengaktifkan KTP digital (IKD). Kartu dicetak begitu blangko tersedia."
        ),
    ),
    S.DITOLAK: StageText(
        _("Permohonan tidak dapat diproses. Alasannya tertulis di bawah ini."),
        _("Hubungi kantor Dukcapil jika ada pertanyaan atau untuk mengajukan kembali."),
    ),
    S.DIBATALKAN: StageText(
        _("Permohonan ini dibatalkan."),
        _("Jika masih memerlukan KTP-el, ajukan permohonan baru di kantor Dukcapil."),
    ),
}


def refusal(from_stage: str, to_stage: str, *, needs_biometrics: bool) -> str | None:
    """Why this move is not allowed (a sentence for staff), or None if it is."""
    try:
        current, target = Stage(from_stage), Stage(to_stage)
    except ValueError:
        return _("Tahap tidak dikenal.")
    if current == target:
        return _("Permohonan sudah berada pada tahap %(stage)s.") % {"stage": current.label}
    if current in FINAL:
        return _("Permohonan sudah selesai (%(stage)s); tahapnya tidak bisa diubah lagi.") % {
            "stage": current.label
        }
    if target not in MOVES[current]:
        return _("Dari tahap %(from)s tidak bisa langsung ke %(to)s.") % {
            "from": current.label,
            "to": target.label,
        }
    if needs_biometrics and (current, target) in BIOMETRIC_SKIPS:
        return _(
            "Layanan ini memerlukan perekaman biometrik: dari %(from)s lanjutkan ke %(rec)s."
        ) % {"from": current.label, "rec": S.PEREKAMAN.label}
    return None


def next_stages(from_stage: str, *, needs_biometrics: bool) -> list[Stage]:
    """The stages this application may move to, in the order of the Stage list."""
    return [
        stage
        for stage in Stage
        if refusal(from_stage, stage, needs_biometrics=needs_biometrics) is None
    ]
