"""Admin of PCGD-XMC rule sets and yearly commune flags; the register itself is read-only here."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import publishing
from .models import CommuneYear, Household, Person, PersonAccess, RuleSet
from .queries import current_rules


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    """A corrected reading of the law is a new version of the rule set, checked on save."""

    list_display = ["code", "version", "title", "active", "loaded_at"]
    list_filter = ["active"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # The plan figures computed under the rules in force follow the change.
        publishing.rules_changed(current_rules(), actor=request.user)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        publishing.rules_changed(current_rules(), actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        publishing.rules_changed(current_rules(), actor=request.user)


@admin.register(CommuneYear)
class CommuneYearAdmin(SimpleHistoryAdmin):
    list_display = ["commune", "year", "disadvantaged", "legal_basis"]
    list_filter = ["year", "disadvantaged"]
    search_fields = ["commune__code", "commune__name"]
    raw_id_fields = ["commune"]

    # A flag changes the plan figures computed from the register: they are republished.
    def save_model(self, request, obj, form, change) -> None:
        old = CommuneYear.objects.select_related("commune").filter(pk=obj.pk).first()
        super().save_model(request, obj, form, change)
        if old is not None and (old.commune_id, old.year) != (obj.commune_id, obj.year):
            publishing.flag_changed(old.commune, old.year, actor=request.user)
        publishing.flag_changed(obj.commune, obj.year, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for row in queryset.select_related("commune"):
            self.delete_model(request, row)

    def delete_model(self, request, obj) -> None:
        commune, year = obj.commune, obj.year
        super().delete_model(request, obj)
        publishing.flag_changed(commune, year, actor=request.user)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    # Persons change through the register's services (forms, imports), which check scope,
    # versions and publish the plan figures; the admin only shows them.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["code", "commune", "village"]
    search_fields = ["code", "commune__code"]


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["code", "full_name", "commune", "sex", "birth_year", "residence"]
    list_filter = ["residence", "disability", "studying"]
    search_fields = ["code", "full_name", "commune__code"]


@admin.register(PersonAccess)
class PersonAccessAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "unit", "action", "what", "rows"]
    list_filter = ["action"]
