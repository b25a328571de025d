"""URLs of the monitoring pages: dashboard, breakdown, values behind a figure, value history."""

from django.urls import path

from monitoring import views

urlpatterns = [
    path("", views.home, name="home"),
    path("units/<str:code>/dashboard/", views.dashboard, name="dashboard"),
    path("units/<str:code>/dashboard.xlsx", views.dashboard_xlsx, name="dashboard_xlsx"),
    path(
        "units/<str:code>/targets/<int:target_id>.xlsx",
        views.breakdown_xlsx,
        name="target_breakdown_xlsx",
    ),
    path(
        "units/<str:code>/targets/<int:target_id>/", views.target_breakdown, name="target_breakdown"
    ),
    path(
        "units/<str:code>/targets/<int:target_id>/values/",
        views.target_values,
        name="target_values",
    ),
    path("values/<int:value_id>/history/", views.value_history, name="value_history"),
]
