"""The read-only REST API (/api/v1/): units, plans, targets, their evaluation, data values.

Scope is decided by units.access, exactly as for the pages: a unit, plan or value outside
the user's scope answers 404, never 403. Lists are paginated (`count`, `next`, `results`).

Authentication: a browser session, or a token sent as `Authorization: Token <key>`.
An administrator creates (or shows) a user's token with

    python manage.py drf_create_token <username>

and `python manage.py drf_create_token -r <username>` replaces it. A request without
credentials gets 401 with `WWW-Authenticate: Token`.
"""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import ValidationError

from api import filters, serializers
from api.schema import ApiSchema
from indicators.models import DataValue
from monitoring.queries import (
    Evaluated,
    breakdown_targets,
    evaluate_targets,
    provisional_overlay,
)
from plans.models import Plan, Target
from plans.queries import plan_document, plans_for_unit, plans_visible_to
from units.access import get_unit_or_404, units_visible_to
from units.codes import year_end
from units.maps import Map, effective_map, shared_by
from units.models import OrgUnit, UnitSuccession
from units.tree import subtree_q, valid_on

# Token first, so that a request without credentials gets 401 and a WWW-Authenticate header.
AUTHENTICATION = [TokenAuthentication, SessionAuthentication]


class Checked:
    # Every route: its authentication, and its schema with the errors it answers.

    authentication_classes = AUTHENTICATION
    schema = ApiSchema()
    checks_parameters = False


class Scoped(Checked):
    # The user's scoped rows from `rows()`, read through query parameters: a 400 for one that
    # no database can compare (api.filters.check_characters). While drf-spectacular builds
    # the schema there is no real user: it gets `queryset`, empty.

    queryset: QuerySet | None = None
    checks_parameters = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        filters.check_characters(request)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset if self.queryset is not None else []
        return self.rows()


def _param(name: str, type_, description: str, required: bool = False) -> OpenApiParameter:
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, required, description)


def visible_plan_or_404(user, plan_id: int) -> Plan:
    plan = plans_visible_to(user).filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


def with_parent_code(units: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    """Annotate each unit with its parent's code, in the same query (materialised path)."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - OrgUnit.steplen)
    parent = OrgUnit.objects.filter(path=parent_path).values("code")[:1]
    return units.annotate(parent_code=Subquery(parent))


# --- units ------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Units the user may see",
        parameters=[
            _param("parent", str, "Only the direct children of the unit with this code"),
            _param("level", str, "Only units of this level (a level code such as commune)"),
            _param("valid_on", OpenApiTypes.DATE, "Only units that existed on this day"),
        ],
        description="Each unit lists the codes of its predecessors and successors "
        "(merged, split, renamed) that the user may see.",
    ),
    retrieve=extend_schema(summary="One unit"),
)
class UnitViewSet(Scoped, viewsets.ReadOnlyModelViewSet):
    """Administrative units and bodies inside the user's scope, ordered by the tree."""

    serializer_class = serializers.UnitSerializer
    queryset = OrgUnit.objects.none()  # the real one is scoped per user in get_queryset
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def rows(self) -> QuerySet[OrgUnit]:
        units = with_parent_code(units_visible_to(self.request.user).select_related("level"))
        units = units.prefetch_related(
            Prefetch("successions_in", UnitSuccession.objects.select_related("predecessor")),
            Prefetch("successions_out", UnitSuccession.objects.select_related("successor")),
        )
        if self.action == "retrieve":
            return units
        params = self.request.query_params
        if params.get("parent"):
            parent = get_unit_or_404(self.request.user, params["parent"])
            units = units.filter(subtree_q(parent.path), depth=parent.depth + 1)
        if params.get("level"):
            units = units.filter(level__code=params["level"])
        if params.get("valid_on"):
            units = units.filter(valid_on(filters.as_date("valid_on", params["valid_on"])))
        return units.order_by("path")


# --- plans and targets ------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Plans the user may see"),
    retrieve=extend_schema(
        summary="One plan: header, references, objectives, tasks, budget and duties"
    ),
)
class PlanViewSet(Scoped, viewsets.ReadOnlyModelViewSet):
    """Plans of units the user may see, and plans of the units above them."""

    queryset = Plan.objects.none()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.PlanDetailSerializer
        return serializers.PlanSerializer

    def rows(self) -> QuerySet[Plan]:
        return (
            plans_visible_to(self.request.user)
            .prefetch_related("implements")
            .order_by("-issued_on", "number", "pk")
        )

    def get_object(self) -> Plan:
        plan = super().get_object()
        plan.document = plan_document(plan)
        return plan


@extend_schema(
    summary="The targets of one plan",
    parameters=[_param("plan", int, "Id of the plan", required=True)],
)
class TargetList(Scoped, generics.ListAPIView):
    """The measurable targets of a plan the user may see, in the plan's order."""

    serializer_class = serializers.TargetSerializer
    queryset = Target.objects.none()

    def rows(self) -> QuerySet[Target]:
        plan_id = filters.as_int("plan", filters.require(self.request, "plan")["plan"])
        plan = visible_plan_or_404(self.request.user, plan_id)
        return (
            plan.targets.select_related("indicator")
            .prefetch_related("milestones")
            .order_by("order", "pk")
        )


@extend_schema(
    summary="Targets of a plan evaluated for one unit and year",
    parameters=[
        _param("plan", int, "Id of the plan", required=True),
        _param("unit", str, "Code of the unit", required=True),
        _param("year", int, "The year evaluated", required=True),
        _param("target", int, "Only this target of the plan"),
        _param("breakdown", bool, "1: evaluate each child unit instead of the unit itself"),
        _param(
            "provisional",
            bool,
            "1: include figures submitted but not yet approved (rows they enter are marked "
            "provisional)",
        ),
        OpenApiParameter(
            "map",
            str,
            OpenApiParameter.QUERY,
            description="The administrative map figures roll up by: as_was (default), the map "
            "of the figure's year; as_is, today's map (today's units, each measured through "
            "the units it came from)",
            enum=Map.values,
        ),
    ],
)
class EvaluationList(Scoped, generics.ListAPIView):
    """Exactly the rows the dashboard shows (monitoring.queries.evaluate_plan); with
    breakdown=1, those of the breakdown page: one per child unit that has data; with
    provisional=1, the provisional figures the dashboard offers; with map=as_is, by today's
    map. Each row says which map it follows, and which units of the year it leaves out
    because they were split between several successors (never apportioned)."""

    serializer_class = serializers.EvaluationSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["map"] = getattr(self, "map", Map.AS_WAS)
        context["shared"] = getattr(self, "shared", {})
        return context

    def rows(self) -> list[Evaluated]:
        rows = self._evaluated()
        units = list({row.unit.pk: row.unit for row in rows}.values())
        if units:
            day = year_end(rows[0].year)
            self.shared = shared_by(units, day, effective_map(self.unit, self.map))
        return rows

    def _evaluated(self) -> list[Evaluated]:
        params = filters.require(self.request, "plan", "unit", "year")
        plan_id = filters.as_int("plan", params["plan"])
        year = filters.as_year("year", params["year"])
        target_id = filters.optional_int(self.request, "target")
        self.map = map = filters.map_of(self.request)
        plan = visible_plan_or_404(self.request.user, plan_id)
        self.unit = unit = get_unit_or_404(self.request.user, params["unit"], on=year_end(year))
        if not plans_for_unit(unit).filter(pk=plan.pk).exists():
            raise ValidationError({"plan": [_("This plan does not apply to this unit.")]})
        targets = list(
            plan.targets.select_related("indicator")
            .prefetch_related("milestones")
            .order_by("order", "pk")
        )
        if target_id is not None:
            targets = [t for t in targets if t.pk == target_id]
            if not targets:
                raise ValidationError({"target": [_("This target is not part of this plan.")]})
        overlay = None
        if filters.flag(self.request, "provisional"):
            overlay = provisional_overlay(targets, unit, year, map)
        if filters.flag(self.request, "breakdown"):
            per_target = breakdown_targets(targets, unit, year, overlay, map)
            return [row for target in targets for row in per_target[target.pk]]
        return evaluate_targets(targets, unit, year, overlay, map)


# --- the value store --------------------------------------------------------------------


def visible_values(user) -> QuerySet[DataValue]:
    return DataValue.objects.filter(unit__in=units_visible_to(user))


@extend_schema_view(
    list=extend_schema(
        summary="Data values of the units the user may see",
        parameters=[
            _param("unit", str, "Only the values of the unit with this code"),
            _param("year", int, "Only values of this year"),
            _param("element", str, "Only values of the data element with this code"),
        ],
    ),
    retrieve=extend_schema(summary="One data value"),
)
class DataValueViewSet(Scoped, viewsets.ReadOnlyModelViewSet):
    """The value store: one number per unit, period, data element and disaggregation."""

    serializer_class = serializers.DataValueSerializer
    queryset = DataValue.objects.none()

    def rows(self) -> QuerySet[DataValue]:
        values = visible_values(self.request.user).select_related("unit", "period", "element")
        params = self.request.query_params
        year = filters.optional_year(self.request, "year")
        if params.get("unit"):
            on = year_end(year) if year is not None else None
            values = values.filter(unit=get_unit_or_404(self.request.user, params["unit"], on=on))
        if year is not None:
            values = values.filter(period__year=year)
        if params.get("element"):
            values = values.filter(element__code=params["element"])
        return values.order_by(
            "unit__path", "period__start_date", "element__code", "sex", "age_band", "pk"
        )


@extend_schema(summary="Every change of one data value, newest first")
class ValueHistoryList(Scoped, generics.ListAPIView):
    """Who changed a data value, when, and to what.

    history_type: + created, ~ changed, - deleted."""

    serializer_class = serializers.ValueHistorySerializer
    queryset = DataValue.history.none()

    def rows(self):
        value = visible_values(self.request.user).filter(pk=self.kwargs["value_id"]).first()
        if value is None:
            raise Http404
        return value.history.select_related("history_user", "updated_by").order_by(
            "-history_date", "-history_id"
        )
