"""The national document lists every portal starts with, one per seeded service type.

Sources: Perpres 96/2018 (persyaratan penerbitan KTP-el), UU 24/2013 Pasal 63-64, and
offices' published practice, as summarised in ../shared/DOMAIN.md. Practice varies, so
every row stays editable in admin; an office's own differences are OfficeRequirementChange
rows, never edits here.

Rerunning never overwrites what staff edited: a row is created when no row carries its
`seed_key`, and left alone otherwise (renamed, reordered or switched off), except that an
empty English text is filled in.
"""

from typing import NamedTuple

from dokumen.models import CopyKind, Requirement
from ktpportal.models import ServiceType


class English(NamedTuple):
    name: str
    short_name: str
    help_text: str
    condition: str = ""


class Seed(NamedTuple):
    key: str  # stable within the service: "<service code>/<key>" is the row's seed_key
    name: str
    short_name: str
    help_text: str
    legal_basis: str
    copy_kind: str = CopyKind.ORIGINAL
    condition: str = ""
    quantity: int = 1
    en: English | None = None  # the texts in English


TEXTS = ("name", "short_name", "help_text", "condition")


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
    legal_basis: str,
    help_text: str = "KK yang mencantumkan nama Anda, dengan data terbaru.",
    help_en: str = "A KK that lists your name, with up-to-date data.",
) -> Seed:
    return Seed(
        "kk",
        "Kartu Keluarga (KK)",
        "KK asli",
        help_text,
        legal_basis,
        en=English("Family Card (KK)", "original KK", help_en),
    )


_PASSPORT = Seed(
    "paspor",
    "Paspor (dokumen perjalanan)",
    "paspor",
    "Paspor yang masih berlaku.",
    PERPRES_NEW_WNA,
    en=English("Passport (travel document)", "passport", "A valid passport."),
)
_KITAP = Seed(
    "kitap",
    "Kartu Izin Tinggal Tetap (KITAP)",
    "KITAP",
    "Dari Kantor Imigrasi; masa berlaku KTP-el WNA mengikuti KITAP.",
    PERPRES_NEW_WNA,
    en=English(
        "Permanent Stay Permit card (KITAP)",
        "KITAP",
        "From the Immigration Office; a foreign resident's KTP-el is valid as long as the KITAP.",
    ),
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
            en=English(
                "Marriage book / marriage certificate",
                "copy of marriage book",
                "The marriage book from the KUA, or the marriage certificate from Dukcapil: "
                "proof of being or having been married before 17.",
            ),
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
            en=English(
                "Police report of the loss",
                "police loss report",
                "Ask at the nearest Polsek or Polres; say that what you lost is a KTP-el.",
            ),
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
            en=English(
                "The damaged KTP-el",
                "damaged KTP-el",
                "The damaged or broken card, or one whose chip cannot be read; handed to the "
                "staff.",
            ),
        ),
    ],
    "perubahan-data": [
        _kk(
            PERPRES_CHANGE,
            "KK yang sudah memuat data Anda yang baru.",
            "A KK that already shows your new data.",
        ),
        Seed(
            "ktp-lama",
            "KTP-el lama",
            "KTP-el lama",
            "KTP-el dengan data lama; diserahkan kepada petugas.",
            PERPRES_CHANGE,
            en=English(
                "Old KTP-el", "old KTP-el", "The KTP-el with the old data; handed to the staff."
            ),
        ),
        Seed(
            "buku-nikah",
            "Buku nikah / akta perkawinan",
            "buku nikah",
            "Bukti perubahan status perkawinan.",
            PERPRES_CHANGE,
            CopyKind.COPY,
            "jika status perkawinan berubah menjadi kawin",
            en=English(
                "Marriage book / marriage certificate",
                "marriage book",
                "Proof of the change in marital status.",
                "if your marital status changed to married",
            ),
        ),
        Seed(
            "akta-cerai",
            "Akta perceraian atau akta kematian pasangan",
            "akta cerai/kematian",
            "Bukti perubahan status menjadi cerai hidup atau cerai mati.",
            PERPRES_CHANGE,
            CopyKind.COPY,
            "jika bercerai atau pasangan meninggal",
            en=English(
                "Divorce certificate or the spouse's death certificate",
                "divorce/death certificate",
                "Proof of the change of status to divorced or widowed.",
                "if you divorced or your spouse died",
            ),
        ),
        Seed(
            "ijazah",
            "Ijazah terakhir",
            "ijazah",
            "Bukti pendidikan terakhir yang baru.",
            PERPRES_CHANGE,
            CopyKind.COPY,
            "jika pendidikan terakhir berubah",
            en=English(
                "Latest diploma",
                "diploma",
                "Proof of your new highest education.",
                "if your highest education changed",
            ),
        ),
        Seed(
            "akta-kelahiran",
            "Akta kelahiran",
            "akta kelahiran",
            "Dasar perbaikan nama, tempat atau tanggal lahir.",
            PERPRES_CHANGE,
            CopyKind.COPY,
            "jika nama, tempat atau tanggal lahir diperbaiki",
            en=English(
                "Birth certificate",
                "birth certificate",
                "The basis for correcting your name, place or date of birth.",
                "if your name, place or date of birth is corrected",
            ),
        ),
        Seed(
            "penetapan-pengadilan",
            "Salinan penetapan atau putusan pengadilan",
            "penetapan pengadilan",
            "Mis. penetapan ganti nama dari pengadilan negeri.",
            PERPRES_CHANGE,
            CopyKind.COPY,
            "jika perubahan berdasarkan penetapan pengadilan",
            en=English(
                "Copy of the court order or ruling",
                "court order",
                "E.g. a district court's order to change your name.",
                "if the change is based on a court order",
            ),
        ),
    ],
    "pindah-datang": [
        Seed(
            "skpwni",
            "Surat Keterangan Pindah WNI (SKPWNI) dari daerah asal",
            "SKPWNI",
            "Diterbitkan Disdukcapil atau UPT daerah asal saat Anda mengurus pindah.",
            PERPRES_MOVE,
            en=English(
                "Certificate of moving (SKPWNI) from your previous area",
                "SKPWNI",
                "Issued by the Disdukcapil or UPT of your previous area when you arranged the "
                "move.",
            ),
        ),
        _kk(
            PERPRES_MOVE,
            "KK dari daerah asal. KK baru diterbitkan lebih dulu, lalu KTP-el.",
            "The KK from your previous area. A new KK is issued first, then the KTP-el.",
        ),
    ],
    "pindah-luar-negeri": [
        Seed(
            "surat-pindah-perwakilan",
            "Surat keterangan pindah dari Perwakilan RI",
            "surat pindah KBRI/KJRI",
            "Dari KBRI atau KJRI di negara tempat Anda tinggal sebelumnya.",
            PERPRES_MOVE + " dari luar wilayah NKRI",
            en=English(
                "Certificate of moving from an Indonesian mission abroad",
                "KBRI/KJRI moving letter",
                "From the KBRI or KJRI in the country where you lived before.",
            ),
        ),
        _kk(
            PERPRES_MOVE,
            "KK tempat Anda akan terdaftar, bila sudah ada.",
            "The KK you will be registered on, if there is one already.",
        ),
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
            en=English(
                "Old foreign resident's KTP-el",
                "old KTP-el",
                "The expired KTP-el; handed to the staff.",
            ),
        ),
        _PASSPORT._replace(legal_basis=PERPRES_WNA_RENEWAL),
        _KITAP._replace(
            help_text="KITAP yang masih berlaku.",
            legal_basis=PERPRES_WNA_RENEWAL,
            en=_KITAP.en._replace(help_text="A valid KITAP."),
        ),
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
            # The translated fields by their language's name (see ktpportal.seed).
            requirement = Requirement(
                service_type=services[code],
                seed_key=seed_key,
                **{f"{text}_ind": getattr(seed, text) for text in TEXTS},
                **{f"{text}_en": getattr(seed.en, text) for text in TEXTS},
                copy_kind=seed.copy_kind,
                quantity=seed.quantity,
                order=order * 10,
                legal_basis=seed.legal_basis,
            )
            requirement.full_clean()
            missing.append(requirement)
    # ignore_conflicts: two reruns at once must not fail on the seed_key constraint.
    Requirement.objects.bulk_create(missing, ignore_conflicts=True)
    fill_requirements_english(Requirement)
    return len(missing)


def fill_requirements_english(model) -> int:
    """Give seeded requirements their English texts where staff have none: never overwrites.
    `model` is Requirement, or its historical model in a migration. Returns how many rows
    changed."""
    english = {
        f"{code}/{seed.key}": seed.en for code, seeds in REQUIREMENTS.items() for seed in seeds
    }
    changed = []
    for row in model.objects.filter(seed_key__in=english):
        updated = False
        for text in TEXTS:
            if not getattr(row, f"{text}_en") and getattr(english[row.seed_key], text):
                setattr(row, f"{text}_en", getattr(english[row.seed_key], text))
                updated = True
        if updated:
            changed.append(row)
    model.objects.bulk_update(changed, [f"{text}_en" for text in TEXTS])
    return len(changed)
