"""URLs of task progress pages."""

from django.urls import path

from . import task_views as views

app_name = "tasks"

urlpatterns = [
    path("collection/rounds/<int:round_id>/tasks/", views.round_progress, name="round"),
    path("collection/rounds/<int:round_id>/tasks/<str:code>/", views.body_progress, name="body"),
    path(
        "collection/rounds/<int:round_id>/tasks/<str:code>/<int:duty_id>/",
        views.save_progress,
        name="save",
    ),
    path("collection/evidence/<int:evidence_id>/", views.evidence_file, name="evidence"),
]
