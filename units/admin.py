"""Admin of the unit tree, successions, groups and memberships (system administrator)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Membership, OrgUnit, UnitGroup, UnitLevel, UnitSuccession


@admin.register(UnitLevel)
class UnitLevelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "rank"]


@admin.register(OrgUnit)
class OrgUnitAdmin(TreeAdmin, SimpleHistoryAdmin):
    form = movenodeform_factory(OrgUnit)
    list_display = ["name", "code", "level", "kind", "valid_from", "valid_to"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name", "short_name"]


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(SimpleHistoryAdmin):
    list_display = ["predecessor", "successor", "kind", "effective_on", "legal_act"]
    autocomplete_fields = ["predecessor", "successor"]


@admin.register(UnitGroup)
class UnitGroupAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "owner", "open_membership"]
    filter_horizontal = ["members"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__name", "unit__code"]
    autocomplete_fields = ["unit", "user"]
