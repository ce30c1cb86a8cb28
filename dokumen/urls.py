from django.urls import path

from dokumen import views

app_name = "dokumen"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.checklist, name="checklist"),
]
