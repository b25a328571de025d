"""The API of issued reports: the register in the user's scope, and each report's .docx.

A report of a unit outside the user's scope answers 404, as everywhere in the API. The file
is the one kept when the report was issued, byte for byte (its SHA-256 is in the listing).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import renderers, serializers, viewsets
from rest_framework.decorators import action

from api import filters
from api.views import Scoped, _param
from core.downloads import attachment
from reports.docx import DOCX_CONTENT_TYPE as DOCX_TYPE
from reports.models import IssuedReport
from reports.queries import visible_issued
from units.access import get_unit_or_404
from units.codes import year_end


class IssuedReportSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="plan_id", read_only=True)
    plan_code = serializers.CharField(source="plan.code", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    number_symbol = serializers.CharField(read_only=True, help_text='e.g. "01/BC-UBND"')
    issued_by = serializers.SerializerMethodField(help_text="Who issued it")
    file = serializers.SerializerMethodField(help_text="Address of the issued .docx")

    class Meta:
        model = IssuedReport
        fields = ["id", "plan", "plan_code", "unit", "unit_name", "year", "number", "symbol",
                  "number_symbol", "register_year", "issuer_name", "issued_on", "issued_at",
                  "issued_by", "sha256", "file"]  # fmt: skip
        read_only_fields = fields

    def get_issued_by(self, report: IssuedReport) -> str:
        user = report.issued_by
        return user.get_full_name() or user.get_username()

    def get_file(self, report: IssuedReport) -> str:
        path = reverse("api-report-file", args=[report.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class DocxRenderer(renderers.BaseRenderer):
    """Lets a client ask for the file by its own media type (Accept) without a 406."""

    media_type = DOCX_TYPE
    format = "docx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only an error reaches a renderer (the file itself is a plain HttpResponse).
        return renderers.JSONRenderer().render(data)


@extend_schema_view(
    list=extend_schema(
        summary="Issued reports in the user's scope, newest first",
        parameters=[
            _param("plan", int, "Only the reports on the plan with this id"),
            _param("unit", str, "Only the reports of the unit with this code"),
            _param("year", int, "Only the reports on this year"),
        ],
    ),
    retrieve=extend_schema(summary="One issued report"),
)
class IssuedReportViewSet(Scoped, viewsets.ReadOnlyModelViewSet):
    """The register of outgoing yearly reports: number and symbol, issuer, who and when."""

    serializer_class = IssuedReportSerializer
    queryset = IssuedReport.objects.none()

    def rows(self) -> QuerySet[IssuedReport]:
        reports = visible_issued(self.request.user)
        if self.action != "list":
            return reports
        year = filters.optional_year(self.request, "year")
        plan = filters.optional_int(self.request, "plan")
        code = self.request.query_params.get("unit", "").strip()
        if plan is not None:
            reports = reports.filter(plan_id=plan)
        if code:
            on = year_end(year) if year is not None else None
            reports = reports.filter(unit=get_unit_or_404(self.request.user, code, on=on))
        if year is not None:
            reports = reports.filter(year=year)
        return reports.order_by("-issued_at", "-pk")

    @extend_schema(
        summary="The issued .docx, exactly as issued",
        responses={(200, DOCX_TYPE): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer,
                                                            DocxRenderer])  # fmt: skip
    def file(self, request, pk=None) -> HttpResponse:
        report = self.get_object()
        data = IssuedReport.objects.values_list("docx", flat=True).get(pk=report.pk)
        return attachment(bytes(data), DOCX_TYPE, f"bao-cao-{report.pk}.docx")
