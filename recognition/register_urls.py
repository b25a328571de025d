"""URLs of the registers of learning models: the tallies form, its Excel import, its template
and the yearly table (CONTRACT §5)."""

from django.urls import path

from recognition import register_views as views

app_name = "learning_models"

urlpatterns: list = [
    path("units/<str:code>/learning-models/", views.latest, name="latest"),
    path("units/<str:code>/learning-models/<int:year>/", views.tallies, name="tallies"),
    path(
        "units/<str:code>/learning-models/<int:year>/import/", views.tallies_import, name="import"
    ),  # fmt: skip
    path(
        "units/<str:code>/learning-models/<int:year>/template.xlsx", views.template, name="template"
    ),  # fmt: skip
    path("units/<str:code>/learning-models/<int:year>.xlsx", views.export, name="export"),
]
