"""Admin of plans and their parts (the loader is the normal way in; this is for corrections)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    BudgetSource,
    Duty,
    LegalReference,
    ObjectiveGroup,
    Plan,
    PlanSection,
    PlanStatement,
    ResponsibilityClause,
    Target,
    TargetMilestone,
    Task,
    TaskGroup,
)


class LegalReferenceInline(admin.TabularInline):
    model = LegalReference
    extra = 0


class BudgetSourceInline(admin.TabularInline):
    model = BudgetSource
    extra = 0


class PlanSectionInline(admin.TabularInline):
    model = PlanSection
    extra = 0


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["number", "kind", "title", "issued_on", "owner", "reading", "data_version"]
    list_filter = ["kind", "reading", "headers_only"]
    filter_horizontal = ["implements"]
    inlines = [PlanSectionInline, LegalReferenceInline, BudgetSourceInline]


class TargetMilestoneInline(admin.TabularInline):
    model = TargetMilestone
    extra = 0


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["clause", "code", "indicator", "measure", "subject", "comparator", "value"]
    list_filter = ["plan", "measure", "comparator", "reading"]
    search_fields = ["code", "text", "clause"]
    raw_id_fields = ["parent_target", "part_of"]
    inlines = [TargetMilestoneInline]


class TaskInline(admin.TabularInline):
    model = Task
    extra = 0


@admin.register(TaskGroup)
class TaskGroupAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "title"]
    inlines = [TaskInline]


class DutyInline(admin.StackedInline):
    model = Duty
    extra = 0
    filter_horizontal = ["tasks", "targets", "named_units", "named_groups"]


@admin.register(ResponsibilityClause)
class ResponsibilityClauseAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "heading", "unit", "group", "by_request"]
    inlines = [DutyInline]


admin.site.register(ObjectiveGroup)
admin.site.register(PlanStatement)
