"""Load provinces, kabupaten/kota and kecamatan from the Kepmendagri 2025 lists.

Source: ktpportal/data/wilayah/ (derived from cahyadsn/wilayah, MIT; see its README).
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "wilayah"


def _rows(name):
    with (DATA / name).open(newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def load(apps, schema_editor):
    Province = apps.get_model("ktpportal", "Province")
    Regency = apps.get_model("ktpportal", "Regency")
    District = apps.get_model("ktpportal", "District")
    provinces, regencies = [], []
    for row in _rows("wilayah_provinsi_kabkota_kepmendagri2025.csv"):
        if row["tingkat"] == "provinsi":
            provinces.append(Province(code=row["kode_nik"], name=row["nama"], tz_name=row["tz_iana"]))
        else:
            regencies.append(
                Regency(
                    code=row["kode_nik"],
                    province_id=row["kode_provinsi"],
                    name=row["nama"],
                    kind=row["jenis"],
                )
            )
    Province.objects.bulk_create(provinces, batch_size=500)
    Regency.objects.bulk_create(regencies, batch_size=500)
    District.objects.bulk_create(
        (
            District(code=row["kode_nik"], regency_id=row["kode_nik"][:4], name=row["nama"])
            for row in _rows("wilayah_kecamatan_kepmendagri2025.csv")
        ),
        batch_size=1000,
    )


def unload(apps, schema_editor):
    for model in ("District", "Regency", "Province"):
        apps.get_model("ktpportal", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("ktpportal", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
