"""Admin of data sets and their rules, reporting rounds, submissions and entered values."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyAdmin

from .models import DataSet, DataSetElement, Entry, ReportingRound, Submission, ValidationRule


class DataSetElementInline(admin.TabularInline):
    model = DataSetElement
    extra = 0
    fields = ["order", "section", "element", "required"]
    autocomplete_fields = ["element"]


class ValidationRuleInline(admin.TabularInline):
    model = ValidationRule
    extra = 0
    fields = ["code", "severity", "kind", "element", "other", "share", "message"]
    autocomplete_fields = ["element", "other"]


@admin.register(DataSet)
class DataSetAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "unit_level", "unit_kinds"]
    search_fields = ["code", "name"]
    inlines = [DataSetElementInline, ValidationRuleInline]


@admin.register(ValidationRule)
class ValidationRuleAdmin(SimpleHistoryAdmin):
    """Rules one by one, with their history: the share of a change rule is a setting."""

    list_display = ["code", "data_set", "severity", "kind", "element", "other", "share"]
    list_filter = ["data_set", "severity", "kind"]
    search_fields = ["code", "message"]
    autocomplete_fields = ["element", "other"]
    history_list_display = ["severity", "share", "message"]


@admin.register(ReportingRound)
class ReportingRoundAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "owner", "period", "opens_on", "due_on", "status"]
    list_filter = ["status", "period"]
    search_fields = ["code", "name", "owner__code", "owner__name"]
    raw_id_fields = ["owner", "created_by"]
    readonly_fields = ["created_by"]


class EntryInline(ReadOnlyAdmin, admin.TabularInline):
    model = Entry
    extra = 0
    fields = ["element", "sex", "age_band", "value", "explanation", "updated_by", "updated_at"]
    readonly_fields = fields


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["round", "data_set", "unit", "status", "due_on", "submitted_at", "version"]
    list_filter = ["round", "data_set", "status"]
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["round", "data_set", "unit"]
    inlines = [EntryInline]
    history_list_display = ["status", "version", "comment"]


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["submission", "element", "sex", "age_band", "value", "updated_by"]
    list_filter = ["submission__round", "element"]
    search_fields = ["submission__unit__code", "element__code"]
    list_select_related = ["submission", "element", "updated_by"]
    history_list_display = ["value", "explanation"]
