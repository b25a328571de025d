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
    PlanStatement,
    ResponsibilityClause,
    Target,
    Task,
    TaskGroup,
)


class LegalReferenceInline(admin.TabularInline):
    model = LegalReference
    extra = 0


class BudgetSourceInline(admin.TabularInline):
    model = BudgetSource
    extra = 0


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["number", "title", "issued_on", "owner", "data_version"]
    inlines = [LegalReferenceInline, BudgetSourceInline]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["clause", "code", "indicator", "comparator", "value", "scope", "due_year"]
    list_filter = ["plan", "scope", "comparator"]
    search_fields = ["code", "text", "clause"]


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
