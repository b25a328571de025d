"""Read-only serializers of the API. Units, indicators and users are named by their code or
username, plans, targets, tasks and values by their id. Decimals are JSON numbers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from indicators.models import DataValue
from monitoring.evaluation import Status
from plans.models import (
    BudgetSource,
    Duty,
    LegalReference,
    ObjectiveGroup,
    Plan,
    PlanStatement,
    ResponsibilityClause,
    Target,
    TargetMilestone,
    Task,
    TaskGroup,
)
from units.access import can
from units.maps import Map
from units.models import OrgUnit


def code_of(**kwargs) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(slug_field="code", read_only=True, **kwargs)


def number(**kwargs) -> serializers.DecimalField:
    """A decimal rendered as a JSON number, not rounded here (a JSON reader's float keeps
    15 significant digits, more than any figure of the value store needs)."""
    return serializers.DecimalField(
        max_digits=None, decimal_places=None, coerce_to_string=False, read_only=True, **kwargs
    )


# --- units ------------------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer):
    """A unit; its lineage lists only the predecessors and successors the user may see."""

    level = code_of(
        allow_null=True,
        help_text="Code of the unit's level (commune, district, ...); null for bodies",
    )
    parent = serializers.CharField(
        source="parent_code", read_only=True, allow_null=True, help_text="Code of the parent unit"
    )
    predecessors = serializers.SerializerMethodField()
    successors = serializers.SerializerMethodField()

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "level",
            "kind",
            "parent",
            "valid_from",
            "valid_to",
            "predecessors",
            "successors",
        ]

    def _visible(self, units) -> list[str]:
        user = self.context["request"].user
        return sorted(u.code for u in units if can(user, "view", u))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_predecessors(self, unit: OrgUnit) -> list[str]:
        return self._visible(link.predecessor for link in unit.successions_in.all())

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_successors(self, unit: OrgUnit) -> list[str]:
        return self._visible(link.successor for link in unit.successions_out.all())


# --- plans ------------------------------------------------------------------------------


class PlanSerializer(serializers.ModelSerializer):
    owner = code_of(help_text="Code of the unit that issued the plan (the same as issuer_unit)")
    issuer_unit = code_of(source="owner", help_text="Code of the unit that issued the plan")
    implements = code_of(
        many=True, help_text="Codes of the plans this plan implements (the plan tree)"
    )
    kind = serializers.CharField(
        read_only=True,
        help_text="scheme (Đề án), programme, plan, directive, resolution or decision",
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "code",
            "number",
            "kind",
            "title",
            "issued_on",
            "issuer",
            "place",
            "owner",
            "issuer_unit",
            "implements",
            "start_year",
            "end_year",
            "headers_only",
            "reading",
        ]


class LegalReferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegalReference
        fields = ["relation", "number", "issued_on", "issuer", "title"]


class StatementSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanStatement
        fields = ["section", "kind", "text"]


class ObjectiveGroupSerializer(serializers.ModelSerializer):
    targets = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ObjectiveGroup
        fields = ["id", "number", "title", "targets"]


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "code", "subgroup", "text"]


class TaskGroupSerializer(serializers.ModelSerializer):
    tasks = TaskSerializer(many=True, read_only=True)

    class Meta:
        model = TaskGroup
        fields = ["id", "number", "title", "tasks"]


class BudgetSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetSource
        fields = ["number", "kind", "text"]


class DutySerializer(serializers.ModelSerializer):
    tasks = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    targets = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    named_units = code_of(many=True)
    named_groups = code_of(many=True)

    class Meta:
        model = Duty
        fields = [
            "id",
            "number",
            "role",
            "text",
            "tasks",
            "targets",
            "named_units",
            "named_groups",
            "named_text",
        ]


class ClauseSerializer(serializers.ModelSerializer):
    unit = code_of(
        allow_null=True, help_text="Code of the body the clause assigns, or null for a group"
    )
    group = code_of(
        allow_null=True, help_text="Code of the group of bodies the clause assigns, or null"
    )
    duties = DutySerializer(many=True, read_only=True)

    class Meta:
        model = ResponsibilityClause
        fields = ["id", "number", "heading", "unit", "group", "by_request", "duties"]


class PlanDetailSerializer(PlanSerializer):
    """The plan with its text as data; the view sets `document` from plans.queries."""

    preamble = serializers.CharField(read_only=True)
    references = LegalReferenceSerializer(many=True, read_only=True, source="document.references")
    statements = StatementSerializer(many=True, read_only=True, source="document.statements")
    objective_groups = ObjectiveGroupSerializer(
        many=True, read_only=True, source="document.objective_groups"
    )
    task_groups = TaskGroupSerializer(many=True, read_only=True, source="document.task_groups")
    budget_sources = BudgetSourceSerializer(
        many=True, read_only=True, source="document.budget_sources"
    )
    clauses = ClauseSerializer(many=True, read_only=True, source="document.clauses")

    class Meta(PlanSerializer.Meta):
        fields = [
            *PlanSerializer.Meta.fields,
            "preamble",
            "signer_title",
            "signer_name",
            "references",
            "statements",
            "objective_groups",
            "task_groups",
            "budget_sources",
            "clauses",
        ]


# --- targets and their evaluation -------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer):
    value = number(
        allow_null=True,
        help_text="The figure to reach by the year; for a share of units, the share (%)",
    )
    value_max = number(allow_null=True)

    class Meta:
        model = TargetMilestone
        fields = ["year", "value", "value_max", "aspirational"]


class TargetSerializer(serializers.ModelSerializer):
    indicator = code_of(allow_null=True)
    value = number(
        allow_null=True,
        help_text="The last milestone's value; for a share of units, the value each unit must "
        "reach",
    )
    value_max = number(allow_null=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    subject = serializers.SerializerMethodField(
        help_text="The unit level (province, district, commune) or the kind (clc, "
        "persons_15_plus, …) the target counts; null for one unit's own figure"
    )

    class Meta:
        model = Target
        fields = [
            "id",
            "plan",
            "clause",
            "code",
            "text",
            "indicator",
            "measure",
            "subject",
            "comparator",
            "value",
            "value_max",
            "scope",
            "population_group",
            "due_year",
            "milestones",
            "parent_target",
            "parent_relation",
            "part_of",
            "void_from",
            "void_reason",
            "reading",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_subject(self, target: Target) -> str | None:
        return target.subject or None


class CoverageSerializer(serializers.Serializer):
    reported = serializers.IntegerField(help_text="Units expected to report that did")
    expected = serializers.IntegerField(
        help_text="Units expected to report for the figure (0: none expected, nothing missing)"
    )


class SharedSerializer(serializers.Serializer):
    """A unit of the year split between several successors: its figure belongs to none."""

    unit = serializers.CharField(help_text="Code of the unit of the year")
    successors = serializers.ListField(
        child=serializers.CharField(), help_text="Codes of the successors that share it"
    )


class EvaluationSerializer(serializers.Serializer):
    """One row of monitoring.queries.evaluate_plan (or breakdown): target × unit × year."""

    target = serializers.IntegerField(source="target.pk", read_only=True)
    clause = serializers.CharField(source="target.clause", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    year = serializers.IntegerField(read_only=True)
    value = number(allow_null=True, help_text="The indicator's value, or null without data")
    num = number(allow_null=True, help_text="Numerator (for every-commune targets: communes met)")
    den = number(allow_null=True, help_text="Denominator (for every-commune targets: counted)")
    status = serializers.ChoiceField(choices=[s.value for s in Status], read_only=True)
    milestone_year = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The year of the target's milestone that judged this year: the first due "
        "in or after it, else the last",
    )
    provisional = serializers.BooleanField(
        read_only=True,
        help_text="Whether figures submitted but not yet approved enter this figure "
        "(only with provisional=1)",
    )
    coverage = CoverageSerializer(
        read_only=True,
        help_text="How many of the units expected to report for this year's figure did: a "
        "status with reported < expected rests on partial data (docs/plan-data.md)",
    )
    map = serializers.SerializerMethodField(
        help_text="The administrative map the figure rolls up by: as_was, the map of its "
        "year; as_is, today's map"
    )
    unattributed = serializers.SerializerMethodField(
        help_text="Units of the year split between this unit and others: their figures are "
        "attributed to none of their successors, never apportioned, and left out of this one"
    )

    @extend_schema_field(serializers.ChoiceField(choices=Map.values))
    def get_map(self, row) -> str:
        return str(self.context.get("map", Map.AS_WAS))

    @extend_schema_field(SharedSerializer(many=True))
    def get_unattributed(self, row) -> list[dict]:
        user = self.context["request"].user
        return [
            {"unit": s.predecessor.code,
             "successors": sorted(u.code for u in s.successors if can(user, "view", u))}
            for s in self.context.get("shared", {}).get(row.unit.pk, ())
        ]  # fmt: skip


# --- the value store --------------------------------------------------------------------


class DataValueSerializer(serializers.ModelSerializer):
    unit = code_of()
    period = code_of()
    element = code_of()
    value = number()

    class Meta:
        model = DataValue
        fields = [
            "id",
            "unit",
            "period",
            "element",
            "sex",
            "age_band",
            "value",
            "source",
            "origin",
            "rule_set",
            "updated_at",
        ]


class ValueHistorySerializer(serializers.ModelSerializer):
    history_user = serializers.SerializerMethodField(
        help_text="Username of who made the change (the request's user, else the value's "
        "updated_by, as the history page shows), or null"
    )
    value = number()
    origin = serializers.CharField(
        read_only=True,
        help_text="Where the value came from: the form, the unit and who entered it, who "
        "approved it (empty for computed and imported values)",
    )
    rule_set = serializers.CharField(
        read_only=True,
        help_text="The rule-set version that computed the value (code@version), or empty",
    )
    change_reason = serializers.CharField(
        source="history_change_reason", read_only=True, allow_null=True,
        help_text="Why the change was made, as recorded with it",
    )  # fmt: skip

    class Meta:
        model = DataValue.history.model
        fields = ["history_id", "history_date", "history_user", "history_type", "value", "source",
                  "origin", "rule_set", "change_reason"]  # fmt: skip

    def get_history_user(self, record) -> str | None:
        who = record.history_user or record.updated_by
        return who.get_username() if who is not None else None
