import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Create demo data (offices in WIB, WITA and WIT, staff users, service types, and "
        "whatever each app's demo module adds). Safe to run again."
    )

    def handle(self, *args, **options):
        # Each app may ship `<app>/demo.py` with seed(stdout); run in INSTALLED_APPS order,
        # so ktpportal's offices and services exist before the apps build on them.
        with transaction.atomic():
            for config in apps.get_app_configs():
                module_name = f"{config.name}.demo"
                if importlib.util.find_spec(module_name) is None:
                    continue
                self.stdout.write(self.style.MIGRATE_HEADING(f"{config.label}:"))
                importlib.import_module(module_name).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
