from django.urls import path

from status import views

app_name = "status"

urlpatterns = [
    path("", views.index, name="index"),
    path("kirim-tautan/", views.send_link, name="send-link"),
    path("lihat/<str:token>/", views.link, name="link"),
]
