from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from ktpportal import metrics, views
from ktpportal.admin import StaffLoginForm

admin.site.site_header = _("Portal KTP-el: admin kantor")
admin.site.site_title = _("Admin Portal KTP-el")
admin.site.index_title = _("Pengelolaan")
admin.site.login_form = StaffLoginForm
# The side menu repeats the admin's home page and takes 300 px of a counter's laptop: with it,
# the booking list's schedule and status columns went off screen at 1280 px.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/ready", views.ready, name="ready"),
    path("bench/trivial", views.trivial, name="trivial"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("antrean/", include("antrean.urls")),
    path("status/", include("status.urls")),
    path("dokumen/", include("dokumen.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "ktpportal.views.page_not_found"
handler500 = "ktpportal.views.server_error"
