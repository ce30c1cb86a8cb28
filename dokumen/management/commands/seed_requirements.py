from django.core.management.base import BaseCommand
from django.db import transaction

from dokumen.seed import seed_requirements
from ktpportal.seed import seed_service_types


class Command(BaseCommand):
    help = (
        "Create the KTP-el service types and their national document lists where missing. "
        "Safe to run again: rows staff edited, switched off or added are left as they are."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            services = seed_service_types()
            requirements = seed_requirements()
        self.stdout.write(
            self.style.SUCCESS(
                f"service types: {services} created; requirements: {requirements} created"
            )
        )
