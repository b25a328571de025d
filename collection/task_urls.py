"""URLs of task progress pages: the plan's progress in a round, a body's page (one form for
all its duties) and evidence files."""

from django.urls import path

from . import task_views as views

app_name = "tasks"

urlpatterns = [
    path("collection/rounds/<int:round_id>/tasks/", views.round_progress, name="round"),
    path("collection/rounds/<int:round_id>/tasks/<str:code>/", views.body_progress, name="body"),
    path("collection/evidence/<int:evidence_id>/", views.evidence_file, name="evidence"),
]
