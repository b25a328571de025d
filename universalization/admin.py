"""Admin of PCGD-XMC rule sets and yearly commune flags; the register itself is read-only here."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CommuneYear, Household, Person, PersonAccess, RuleSet


@admin.register(RuleSet)
class RuleSetAdmin(SimpleHistoryAdmin):
    """A corrected reading of the law is a new version of the rule set, checked on save."""

    list_display = ["code", "version", "title", "active", "loaded_at"]
    list_filter = ["active"]


@admin.register(CommuneYear)
class CommuneYearAdmin(SimpleHistoryAdmin):
    list_display = ["commune", "year", "disadvantaged", "legal_basis"]
    list_filter = ["year", "disadvantaged"]
    search_fields = ["commune__code", "commune__name"]
    raw_id_fields = ["commune"]


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
