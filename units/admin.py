"""Admin of the unit tree, successions, groups and memberships (system administrator)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from treebeard.forms import movenodeform_factory

from .models import Membership, OrgUnit, UnitGroup, UnitLevel, UnitSuccession


@admin.register(UnitLevel)
class UnitLevelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "rank"]


class OrgUnitChangeForm(forms.ModelForm):
    """A unit's own fields only: its place in the tree is not a field here."""

    class Meta:
        model = OrgUnit
        fields = [
            "code", "name", "short_name", "level", "kind", "valid_from", "valid_to",
            "official_code_source",
        ]  # fmt: skip


@admin.register(OrgUnit)
class OrgUnitAdmin(SimpleHistoryAdmin):
    """Units are never moved here: a move would leave the subtree totals of the value store
    stale (and rewrite where past figures belong). The tree changes only through
    reorganisation services, which keep those totals exact; a new unit may still be added
    under a parent. So no drag-and-drop tree (treebeard's TreeAdmin) and no position field
    on an existing unit."""

    list_display = ["name", "code", "level", "kind", "valid_from", "valid_to"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name", "short_name"]
    ordering = ["path"]
    readonly_fields = ["place_in_tree"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:  # a new unit takes its place once, when it is added
            kwargs["form"] = movenodeform_factory(OrgUnit, fields=OrgUnitChangeForm.Meta.fields)
        else:
            kwargs["form"] = OrgUnitChangeForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if obj is not None else [f for f in fields if f != "place_in_tree"]

    @admin.display(description=_("Place in the tree"))
    def place_in_tree(self, unit: OrgUnit) -> str:
        parent = OrgUnit.objects.get_parent(unit)
        where = parent.display_name if parent is not None else _("top of the tree")
        return _(
            "Under %(parent)s. A unit is not moved here: merging, splitting or moving units "
            "goes through the reorganisation services, which keep the figures' totals exact."
        ) % {"parent": where}


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
