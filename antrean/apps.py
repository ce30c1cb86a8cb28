from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AntreanConfig(AppConfig):
    name = "antrean"
    verbose_name = _("Antrean kunjungan")

    def ready(self):
        from antrean import signals

        signals.connect()
