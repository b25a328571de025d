"""Admin of yearly reports: drafts and their history, the registers' counters, issued reports
(read only: an issued report is never changed or deleted)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Max
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from .models import IssuedReport, RegisterCounter, ReportDraft


@admin.register(ReportDraft)
class ReportDraftAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "unit", "year", "version", "updated_at", "updated_by"]
    list_filter = ["year"]
    search_fields = ["unit__name", "unit__code", "plan__code"]
    readonly_fields = ["plan", "unit", "year", "version", "updated_by"]

    # Drafts are written on the report's page, through reports.services (version, scope,
    # blanks); the admin shows them and their history only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CounterForm(forms.ModelForm):
    class Meta:
        model = RegisterCounter
        fields = ["unit", "symbol", "year", "last_number"]

    def clean_last_number(self):
        """The office may set the counter to its own paper register's last number, but never
        below a number XHHT has given: the next report would get a number already used."""
        number = self.cleaned_data["last_number"]
        counter = self.instance
        if counter.pk:
            used = IssuedReport.objects.filter(
                unit=counter.unit_id, symbol=counter.symbol, register_year=counter.year
            ).aggregate(top=Max("number"))["top"]
            if used and number < used:
                raise forms.ValidationError(
                    _("Number %(number)s was already given in this register.") % {"number": used}
                )
        return number


@admin.register(RegisterCounter)
class RegisterCounterAdmin(SimpleHistoryAdmin):
    form = CounterForm
    list_display = ["unit", "symbol", "year", "last_number"]
    list_filter = ["year"]
    search_fields = ["unit__name", "unit__code", "symbol"]
    autocomplete_fields = ["unit"]

    def get_readonly_fields(self, request, obj=None):
        return ["unit", "symbol", "year"] if obj else []


@admin.register(IssuedReport)
class IssuedReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "plan", "year", "issued_on", "issued_by"]
    list_filter = ["register_year", "year"]
    search_fields = ["unit__name", "unit__code", "symbol"]
    exclude = ["docx", "snapshot", "draft_data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
