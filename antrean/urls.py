from django.urls import path

from antrean import views

app_name = "antrean"

urlpatterns = [
    path("", views.index, name="index"),
]
