"""The national document lists every portal starts with, one per seeded service type.

Sources: Perpres 96/2018 (persyaratan penerbitan KTP-el), UU 24/2013 Pasal 63-64, and
offices' published practice, as summarised in ../shared/DOMAIN.md. Practice varies, so
every row stays editable in admin; an office's own differences are OfficeRequirementChange
rows, never edits here.

Rerunning never overwrites what staff edited: a row is created when no row carries its
`seed_key`, and left alone otherwise (renamed, reordered or switched off).
"""

from typing import NamedTuple

from dokumen.models import CopyKind, Requirement
from ktpportal.models import ServiceType


class Seed(NamedTuple):
    key: str  # stable within the service: "<service code>/<key>" is the row's seed_key
    name: str
    short_name: str
    help_text: str
    legal_basis: str
    copy_kind: str = CopyKind.ORIGINAL
    condition: str = ""
    quantity: int = 1


PERPRES_NEW = "Perpres 96/2018 Pasal 15 (KTP-el baru: usia 17 tahun atau sudah kawin, dan KK)"
PERPRES_NEW_WNA = (
    "Perpres 96/2018 Pasal 15 (KTP-el baru penduduk orang asing: KK, dokumen perjalanan, "
    "kartu izin tinggal tetap)"
)
PERPRES_LOST_DAMAGED = "Perpres 96/2018 (penerbitan KTP-el karena hilang atau rusak)"
PERPRES_CHANGE = "Perpres 96/2018 (penerbitan KTP-el karena perubahan data); Permendagri 108/2019"
PERPRES_MOVE = "Perpres 96/2018 (penerbitan KTP-el karena pindah datang)"
PERPRES_WNA_RENEWAL = (
    "UU 24/2013 Pasal 64 ayat (7); Perpres 96/2018 (perpanjangan KTP-el penduduk orang asing)"
)


def _kk(
    legal_basis: str, help_text: str = "KK yang mencantumkan nama Anda, dengan data terbaru."
) -> Seed:
    return Seed("kk", "Kartu Keluarga (KK)", "KK asli", help_text, legal_basis)


_PASSPORT = Seed(
    "paspor",
    "Paspor (dokumen perjalanan)",
    "paspor",
    "Paspor yang masih berlaku.",
    PERPRES_NEW_WNA,
)
_KITAP = Seed(
    "kitap",
    "Kartu Izin Tinggal Tetap (KITAP)",
    "KITAP",
    "Dari Kantor Imigrasi; masa berlaku KTP-el WNA mengikuti KITAP.",
    PERPRES_NEW_WNA,
)

REQUIREMENTS: dict[str, list[Seed]] = {
    "baru-17": [_kk(PERPRES_NEW)],
    "baru-menikah": [
        _kk("UU 24/2013 Pasal 63 ayat (1); " + PERPRES_NEW),
        Seed(
            "buku-nikah",
            "Buku nikah / akta perkawinan",
            "fotokopi buku nikah",
            "Buku nikah dari KUA, atau akta perkawinan dari Dukcapil: bukti sudah atau pernah "
            "menikah sebelum 17 tahun.",
            "UU 24/2013 Pasal 63 ayat (1); " + PERPRES_NEW,
            CopyKind.COPY,
        ),
    ],
    "hilang": [
        _kk(PERPRES_LOST_DAMAGED),
        Seed(
            "surat-kehilangan",
            "Surat keterangan hilang dari kepolisian",
            "surat kehilangan polisi",
            "Minta di Polsek atau Polres terdekat; sebutkan bahwa yang hilang adalah KTP-el.",
            PERPRES_LOST_DAMAGED,
        ),
    ],
    "rusak": [
        _kk(PERPRES_LOST_DAMAGED),
        Seed(
            "ktp-rusak",
            "KTP-el yang rusak",
            "KTP-el rusak",
            "Kartu yang rusak, patah, atau chipnya tidak terbaca; diserahkan kepada petugas.",
            PERPRES_LOST_DAMAGED,
        ),
    ],
    "perubahan-data": [
        _kk(PERPRES_CHANGE, "KK yang sudah memuat data Anda yang baru."),
        Seed(
            "ktp-lama",
            "KTP-el lama",
            "KTP-el lama",
            "KTP-el dengan data lama; diserahkan kepada petugas.",
            PERPRES_CHANGE,
        ),
        Seed(
            "buku-nikah",
            "Buku nikah / akta perkawinan",
            "buku nikah",
            "Bukti perubahan status perkawinan.",
            PERPRES_CHANGE,
            CopyKind.COPY,
            "jika status perkawinan berubah menjadi kawin",
        ),
        Seed(
            "akta-cerai",
            "Akta perceraian atau akta kematian pasangan",
            "akta cerai/kematian",
            "Bukti perubahan status menjadi cerai hidup atau cerai mati.",
            PERPRES_CHANGE,
            CopyKind.COPY,
            "jika bercerai atau pasangan meninggal",
        ),
        Seed(
            "ijazah",
            "Ijazah terakhir",
            "ijazah",
            "Bukti pendidikan terakhir yang baru.",
            PERPRES_CHANGE,
            CopyKind.COPY,
            "jika pendidikan terakhir berubah",
        ),
        Seed(
            "akta-kelahiran",
            "Akta kelahiran",
            "akta kelahiran",
            "Dasar perbaikan nama, tempat atau tanggal lahir.",
            PERPRES_CHANGE,
            CopyKind.COPY,
            "jika nama, tempat atau tanggal lahir diperbaiki",
        ),
        Seed(
            "penetapan-pengadilan",
            "Salinan penetapan atau putusan pengadilan",
            "penetapan pengadilan",
            "Mis. penetapan ganti nama dari pengadilan negeri.",
            PERPRES_CHANGE,
            CopyKind.COPY,
            "jika perubahan berdasarkan penetapan pengadilan",
        ),
    ],
    "pindah-datang": [
        Seed(
            "skpwni",
            "Surat Keterangan Pindah WNI (SKPWNI) dari daerah asal",
            "SKPWNI",
            "Diterbitkan Disdukcapil atau UPT daerah asal saat Anda mengurus pindah.",
            PERPRES_MOVE,
        ),
        _kk(PERPRES_MOVE, "KK dari daerah asal. KK baru diterbitkan lebih dulu, lalu KTP-el."),
    ],
    "pindah-luar-negeri": [
        Seed(
            "surat-pindah-perwakilan",
            "Surat keterangan pindah dari Perwakilan RI",
            "surat pindah KBRI/KJRI",
            "Dari KBRI atau KJRI di negara tempat Anda tinggal sebelumnya.",
            PERPRES_MOVE + " dari luar wilayah NKRI",
        ),
        _kk(PERPRES_MOVE, "KK tempat Anda akan terdaftar, bila sudah ada."),
    ],
    "wna-baru": [_kk(PERPRES_NEW_WNA), _PASSPORT, _KITAP],
    "wna-perpanjangan": [
        _kk(PERPRES_WNA_RENEWAL),
        Seed(
            "ktp-lama",
            "KTP-el WNA lama",
            "KTP-el lama",
            "KTP-el yang habis masa berlakunya; diserahkan kepada petugas.",
            PERPRES_WNA_RENEWAL,
        ),
        _PASSPORT._replace(legal_basis=PERPRES_WNA_RENEWAL),
        _KITAP._replace(help_text="KITAP yang masih berlaku.", legal_basis=PERPRES_WNA_RENEWAL),
    ],
}


def seed_requirements() -> int:
    """Create the national requirements that are missing; return how many were created.

    Service types that do not exist (not seeded, or renamed by staff) are skipped.
    """
    services = {s.code: s for s in ServiceType.objects.filter(code__in=REQUIREMENTS)}
    keys = [f"{code}/{seed.key}" for code, seeds in REQUIREMENTS.items() for seed in seeds]
    existing = set(Requirement.objects.filter(seed_key__in=keys).values_list("seed_key", flat=True))
    missing = []
    for code, seeds in REQUIREMENTS.items():
        if code not in services:
            continue
        for order, seed in enumerate(seeds, start=1):
            seed_key = f"{code}/{seed.key}"
            if seed_key in existing:
                continue
            requirement = Requirement(
                service_type=services[code],
                seed_key=seed_key,
                name=seed.name,
                short_name=seed.short_name,
                help_text=seed.help_text,
                copy_kind=seed.copy_kind,
                quantity=seed.quantity,
                condition=seed.condition,
                order=order * 10,
                legal_basis=seed.legal_basis,
            )
            requirement.full_clean()
            missing.append(requirement)
    # ignore_conflicts: two reruns at once must not fail on the seed_key constraint.
    Requirement.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)
