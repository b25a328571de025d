"""URLs of a round's Excel template: download, import (preview) and confirm."""

from django.urls import path

from . import excel_views

app_name = "collection_excel"

urlpatterns = [
    path(
        "collection/rounds/<int:round_id>/template.xlsx",
        excel_views.template_download,
        name="template",
    ),
    path("collection/rounds/<int:round_id>/import/", excel_views.template_import, name="import"),
    path(
        "collection/rounds/<int:round_id>/import/confirm/",
        excel_views.import_confirm,
        name="import_confirm",
    ),
]
