from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KtpPortalConfig(AppConfig):
    name = "ktpportal"
    verbose_name = _("Data bersama")

    def ready(self):
        from ktpportal import checks  # noqa: F401 - registers the system checks
