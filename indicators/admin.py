"""Admin of periods, disaggregations, data elements, indicators and values."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DataElement, DataValue, Disaggregation, Indicator, Period


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "year", "start_date", "end_date"]


@admin.register(Disaggregation)
class DisaggregationAdmin(admin.ModelAdmin):
    list_display = ["dimension", "code", "name", "order"]


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "value_type", "aggregation", "unit_of_measure"]
    search_fields = ["code", "name"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "numerator", "denominator", "factor"]
    search_fields = ["code", "name"]


@admin.register(DataValue)
class DataValueAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "period", "element", "sex", "age_band", "value", "source"]
    list_filter = ["period", "source", "element"]
    search_fields = ["unit__code", "unit__name", "element__code"]
    raw_id_fields = ["unit", "element", "updated_by"]
    history_list_display = ["value", "source", "comment"]

    # Values change only through the value store's services (forms, imports, modules),
    # which audit them and keep the subtree totals in step; the admin only shows them.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
