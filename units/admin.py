"""Admin of the unit tree, successions, aliases, groups and memberships (system administrator)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from treebeard.forms import movenodeform_factory

from . import services
from .codes import CodeClash, check_free
from .models import Membership, OrgUnit, UnitCodeAlias, UnitGroup, UnitLevel, UnitSuccession

FIELDS = [
    "code", "name", "short_name", "level", "kind", "valid_from", "valid_to",
    "official_code_source",
]  # fmt: skip


@admin.register(UnitLevel)
class UnitLevelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "rank"]


class _CodeFree:
    """A code names one unit at a time (units/codes.py)."""

    def clean(self):
        data = super().clean()
        if data.get("code"):
            try:
                check_free(data["code"], data.get("valid_from"), data.get("valid_to"),
                           exclude=self.instance.pk)  # fmt: skip
            except CodeClash as exc:
                self.add_error("code", str(exc))
        return data


class OrgUnitChangeForm(_CodeFree, forms.ModelForm):
    """A unit's own fields only: its place in the tree is not a field here."""

    class Meta:
        model = OrgUnit
        fields = FIELDS


class ReorganiseForm(forms.Form):
    """What a reorganisation needs: its first day, its legal act, and the new unit(s)."""

    on = forms.DateField(
        label=gettext_lazy("First day of the new map"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    legal_act = forms.CharField(label=gettext_lazy("Legal act"), max_length=300)
    code = forms.CharField(label=gettext_lazy("Code of the new unit"), max_length=40)
    name = forms.CharField(label=gettext_lazy("Name of the new unit"), max_length=200)
    short_name = forms.CharField(label=gettext_lazy("short name"), max_length=100, required=False)
    parts = forms.CharField(
        label=gettext_lazy("New units"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("One a line: CODE = NAME"),
    )

    FIELDS = {
        "merge": ["on", "legal_act", "code", "name", "short_name"],
        "rename": ["on", "legal_act", "code", "name", "short_name"],
        "split": ["on", "legal_act", "parts"],
        "close": ["on", "legal_act"],
    }

    def __init__(self, operation: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in self.FIELDS[operation]:
                del self.fields[name]

    def clean_parts(self) -> list[services.NewUnit]:
        parts = []
        for line in self.cleaned_data["parts"].splitlines():
            if not line.strip():
                continue
            code, sep, name = line.partition("=")
            if not sep or not code.strip() or not name.strip():
                raise forms.ValidationError(_("Write each new unit as CODE = NAME: %(line)s")
                                            % {"line": line})  # fmt: skip
            parts.append(services.NewUnit(code.strip(), name.strip()))
        return parts

    def new_unit(self) -> services.NewUnit:
        data = self.cleaned_data
        return services.NewUnit(data["code"], data["name"], data.get("short_name", ""))


# How many units each reorganisation takes, and what it does with them.
OPERATIONS = {
    "merge": (gettext_lazy("Merge the selected units into a new unit"), 2, None),
    "split": (gettext_lazy("Split the selected unit into new units"), 1, 1),
    "rename": (gettext_lazy("Rename or re-grade the selected unit (a new unit)"), 1, 1),
    "close": (gettext_lazy("Close the selected units"), 1, None),
}


def _apply(operation: str, units: list[OrgUnit], form: ReorganiseForm, actor) -> None:
    on, act = form.cleaned_data["on"], form.cleaned_data["legal_act"]
    if operation == "merge":
        services.merge(units, form.new_unit(), on=on, legal_act=act, actor=actor)
    elif operation == "split":
        services.split(units[0], form.cleaned_data["parts"], on=on, legal_act=act, actor=actor)
    elif operation == "rename":
        services.rename(units[0], form.new_unit(), on=on, legal_act=act, actor=actor)
    else:
        with transaction.atomic():
            for unit in units:
                services.close(unit, on=on, legal_act=act, actor=actor)


@admin.register(OrgUnit)
class OrgUnitAdmin(SimpleHistoryAdmin):
    """Units are never moved here: a move would leave the subtree totals of the value store
    stale (and rewrite where past figures belong). The map changes through the actions
    below, which call the reorganisation services (new units and successions, from a date,
    citing the legal act). A new unit may still be added under a parent, once; no
    drag-and-drop tree (treebeard's TreeAdmin) and no position field on an existing unit."""

    list_display = ["name", "code", "level", "kind", "valid_from", "valid_to"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name", "short_name"]
    ordering = ["path"]
    readonly_fields = ["place_in_tree"]
    actions = ["merge_units", "split_unit", "rename_unit", "close_units"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:  # a new unit takes its place once, when it is added
            base = movenodeform_factory(OrgUnit, fields=FIELDS)
            kwargs["form"] = type("OrgUnitAddForm", (_CodeFree, base), {})
        else:
            kwargs["form"] = OrgUnitChangeForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if obj is not None else [f for f in fields if f != "place_in_tree"]

    @admin.display(description=gettext_lazy("Place in the tree"))
    def place_in_tree(self, unit: OrgUnit) -> str:
        parent = OrgUnit.objects.get_parent(unit)
        where = parent.display_name if parent is not None else _("top of the tree")
        return _(
            "Under %(parent)s. A unit is not moved here: merging, splitting or moving units "
            "goes through the reorganisation services, which keep the figures' totals exact."
        ) % {"parent": where}

    @admin.action(description=OPERATIONS["merge"][0], permissions=["change"])
    def merge_units(self, request, queryset):
        return self._reorganise(request, queryset, "merge")

    @admin.action(description=OPERATIONS["split"][0], permissions=["change"])
    def split_unit(self, request, queryset):
        return self._reorganise(request, queryset, "split")

    @admin.action(description=OPERATIONS["rename"][0], permissions=["change"])
    def rename_unit(self, request, queryset):
        return self._reorganise(request, queryset, "rename")

    @admin.action(description=OPERATIONS["close"][0], permissions=["change"])
    def close_units(self, request, queryset):
        return self._reorganise(request, queryset, "close")

    def _reorganise(self, request, queryset, operation: str):
        title, least, most = OPERATIONS[operation]
        units = list(queryset.order_by("path"))
        if len(units) < least or (most is not None and len(units) > most):
            msg = _("Select between %(least)d and %(most)s unit(s) for this action.")
            self.message_user(request, msg % {"least": least, "most": most or "…"}, messages.ERROR)
            return None
        data = request.POST if "apply" in request.POST else None
        form = ReorganiseForm(operation, data)
        if form.is_bound and form.is_valid():
            try:
                _apply(operation, units, form, request.user)
            except services.ReorganisationError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, _("The map was changed."), messages.SUCCESS)
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "units": units,
            "form": form,
            "action": request.POST.get("action", ""),
            "explanation": _(
                "The selected units end the day before the first day of the new map; new "
                "units start that day, linked to them. Their figures stay where they are."
            ),
        }
        return TemplateResponse(request, "units/admin/reorganise.html", context)


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(SimpleHistoryAdmin):
    list_display = ["predecessor", "successor", "kind", "effective_on", "legal_act"]
    autocomplete_fields = ["predecessor", "successor"]


@admin.register(UnitCodeAlias)
class UnitCodeAliasAdmin(SimpleHistoryAdmin):
    list_display = ["code", "unit", "note"]
    search_fields = ["code", "unit__code", "unit__name"]
    autocomplete_fields = ["unit"]


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
