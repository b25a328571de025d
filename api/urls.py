"""URLs of the read-only API, mounted at /api/v1/.

The OpenAPI 3 schema is served at schema/ (YAML, or JSON with ?format=json). There is no
Swagger UI: it loads its scripts from a CDN (or needs drf-spectacular-sidecar), and offices
run on closed networks; open the schema in any OpenAPI viewer instead.
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import SimpleRouter

from api import collection as collection_api
from api import pcgd, reports, views

router = SimpleRouter()
router.register("units", views.UnitViewSet, basename="api-unit")
router.register("plans", views.PlanViewSet, basename="api-plan")
router.register("values", views.DataValueViewSet, basename="api-value")
router.register("reports", reports.IssuedReportViewSet, basename="api-report")

urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(
            authentication_classes=views.AUTHENTICATION, permission_classes=[IsAuthenticated]
        ),
        name="api-schema",
    ),
    path("targets/", views.TargetList.as_view(), name="api-target-list"),
    path("evaluations/", views.EvaluationList.as_view(), name="api-evaluation-list"),
    path("pcgd/standards/", pcgd.StandardsView.as_view(), name="api-pcgd-standards"),
    path("pcgd/persons/", pcgd.PersonList.as_view(), name="api-pcgd-persons"),
    path(
        "values/<int:value_id>/history/", views.ValueHistoryList.as_view(), name="api-value-history"
    ),
    path(
        "collection/submissions/",
        collection_api.SubmissionList.as_view(),
        name="api-submission-list",
    ),
    path(
        "collection/submissions/<int:pk>/",
        collection_api.SubmissionDetail.as_view(),
        name="api-submission",
    ),
    path(
        "collection/submissions/<int:pk>/entries/",
        collection_api.SubmissionEntries.as_view(),
        name="api-submission-entries",
    ),
    path(
        "collection/submissions/<int:pk>/submit/",
        collection_api.SubmissionSubmit.as_view(),
        name="api-submission-submit",
    ),
    path(
        "collection/submissions/<int:pk>/approve/",
        collection_api.SubmissionApprove.as_view(),
        name="api-submission-approve",
    ),
    path(
        "collection/submissions/<int:pk>/return/",
        collection_api.SubmissionReturn.as_view(),
        name="api-submission-return",
    ),
    path(
        "collection/submissions/<int:pk>/reopen/",
        collection_api.SubmissionReopen.as_view(),
        name="api-submission-reopen",
    ),
    *router.urls,
]
