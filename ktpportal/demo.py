"""Demo data for `manage.py seed_demo`: offices in all three time zones, staff, services."""

from django.conf import settings
from django.contrib.auth import get_user_model

from ktpportal.models import Office, Regency, StaffMembership, StaffRole
from ktpportal.seed import grant, role_group, seed_service_types

# (slug, name, regency code, address, phone)
DEMO_OFFICES = [
    (
        "jaksel",
        "Sudin Dukcapil Kota Jakarta Selatan",
        "3174",
        "Jl. Prapanca Raya No. 9, Kebayoran Baru, Jakarta Selatan",
        "021-7209288",
    ),
    (
        "kab-bandung",
        "Disdukcapil Kabupaten Bandung",
        "3204",
        "Jl. Raya Soreang Km. 17, Soreang, Kabupaten Bandung",
        "022-5891234",
    ),
    (
        "denpasar",
        "Disdukcapil Kota Denpasar",
        "5171",
        "Jl. Majapahit No. 1, Lumintang, Denpasar",
        "0361-222333",
    ),
    (
        "makassar",
        "Disdukcapil Kota Makassar",
        "7371",
        "Jl. Ahmad Yani No. 2, Makassar",
        "0411-3615600",
    ),
    (
        "jayapura",
        "Disdukcapil Kota Jayapura",
        "9171",
        "Jl. Balai Kota No. 1, Entrop, Jayapura",
        "0967-533000",
    ),
]


def seed(stdout) -> None:
    created = seed_service_types()
    stdout.write(f"service types: {created} created")
    grant(StaffRole.COUNTER, "ktpportal", ["view"], ["office", "servicetype"])
    grant(StaffRole.ADMIN, "ktpportal", ["view"], ["servicetype"])
    grant(StaffRole.ADMIN, "ktpportal", ["view", "change"], ["office"])

    User = get_user_model()
    admin, made = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True}
    )
    if made:
        admin.set_password(settings.DEMO_PASSWORD)
        admin.save()
    for slug, name, regency_code, address, phone in DEMO_OFFICES:
        office, _ = Office.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "regency": Regency.objects.select_related("province").get(code=regency_code),
                "address": address,
                "phone": phone,
                "map_url": f"https://www.openstreetmap.org/search?query={name.replace(' ', '+')}",
            },
        )
        for role, suffix in ((StaffRole.COUNTER, "loket"), (StaffRole.ADMIN, "admin")):
            user, made = User.objects.get_or_create(
                username=f"{slug}-{suffix}", defaults={"is_staff": True}
            )
            if made:
                user.set_password(settings.DEMO_PASSWORD)
                user.save()
            user.groups.add(role_group(role))
            StaffMembership.objects.get_or_create(user=user, office=office, defaults={"role": role})
    stdout.write(f"offices: {Office.objects.count()}, staff password: {settings.DEMO_PASSWORD}")
