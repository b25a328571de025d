"""The recognition admin: criteria sets (edited as checked data), applications, registers."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from core import admin as core_admin

from . import criteria
from .models import (
    Answer,
    Application,
    Council,
    CouncilMember,
    CriteriaSet,
    Decision,
    Evidence,
    ReviewMeeting,
    Tally,
)


class CriteriaSetForm(forms.ModelForm):
    """The whole set is its content (JSON, the YAML file's data); the row's code, version,
    title, … are read from it, so they can never disagree with what the engine uses."""

    class Meta:
        model = CriteriaSet
        fields = ["content", "active"]

    def clean_content(self):
        content = self.cleaned_data["content"]
        if not isinstance(content, dict):
            raise forms.ValidationError(_("The content must be a JSON object."))
        try:
            self.definition = criteria.parse(content)
        except criteria.CriteriaError as error:
            raise forms.ValidationError(error.lines) from None
        return criteria.canonical_content(content)

    def clean(self):
        cleaned = super().clean()
        definition = getattr(self, "definition", None)
        if definition is None:
            return cleaned
        row = self.instance
        values = criteria.row_values(definition, cleaned["content"])
        used = row.pk is not None and row.applications.exists()
        if used and values["sha256"] != row.sha256:
            message = _(
                "Applications already use this version, so its content cannot change. Give the "
                'content a new "version" and press "Save as new".'
            )
            self.add_error("content", message)
            return cleaned
        taken = CriteriaSet.objects.filter(code=definition.code, version=definition.version)
        if taken.exclude(pk=row.pk).exists():
            message = _('Set %(code)s already has a version "%(version)s": change "version".')
            self.add_error("content", message % vars(definition))
            return cleaned
        for name, value in values.items():
            setattr(row, name, value)
        return cleaned


@admin.register(CriteriaSet)
class CriteriaSetAdmin(SimpleHistoryAdmin):
    """A correction is a new version (save as new) once applications use a set; the files in
    data/rules/recognition/ and load_recognition_criteria are the other way to correct one."""

    form = CriteriaSetForm
    save_as = True
    list_display = [
        *criteria.ROW_FIELDS[:3],
        "status",
        "valid_from",
        "valid_to",
        "active",
        "loaded_at",
    ]
    list_filter = ["model", "status", "active"]
    search_fields = ["code", "title", "source"]
    readonly_fields = [
        *criteria.ROW_FIELDS,
        "sha256",
        "loaded_at",
        "used_by",
    ]
    fields = [
        *criteria.ROW_FIELDS,
        "used_by",
        "active",
        "content",
        "sha256",
        "loaded_at",
    ]

    @admin.display(description=gettext_lazy("applications using it"))
    def used_by(self, obj: CriteriaSet) -> int:
        return obj.applications.count() if obj.pk else 0

    def has_delete_permission(self, request, obj=None) -> bool:
        # An application protects its set; an unused one may go.
        return super().has_delete_permission(request, obj) and not (
            obj is not None and obj.applications.exists()
        )


class ReadOnlyInline(core_admin.ReadOnlyAdmin, admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ["indicator", "value", "explanation", "source", "source_note", "updated_at"]


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["indicator", "name", "kind", "size", "sha256", "uploaded_by", "uploaded_at"]


class ReviewInline(ReadOnlyInline):
    model = ReviewMeeting
    fields = ["held_on", "chair", "participants", "conclusion", "recorded_by"]


class CouncilInline(ReadOnlyInline):
    model = Council
    fields = ["formed_on", "formation_number", "met_on", "opinion", "recommendation"]


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ["outcome", "number", "signed_on", "signer", "level", "valid_until", "reasons"]


class ReadOnlyAdmin(core_admin.ReadOnlyAdmin, SimpleHistoryAdmin):
    """Applications and registers change through recognition.services and the registers'
    forms (scope, versions, audit, the value store); the admin only shows them."""


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["unit", "model", "year", "level", "status", "office", "criteria_set"]
    list_filter = ["model", "year", "status"]
    search_fields = ["unit__code", "unit__name"]
    list_select_related = ["unit", "office", "criteria_set"]
    inlines = [AnswerInline, EvidenceInline, ReviewInline, CouncilInline, DecisionInline]


class CouncilMemberInline(ReadOnlyInline):
    model = CouncilMember
    fields = ["order", "name", "position", "role"]


@admin.register(Council)
class CouncilAdmin(ReadOnlyAdmin):
    list_display = ["application", "formed_on", "formation_number", "recommendation"]
    inlines = [CouncilMemberInline]


@admin.register(Tally)
class TallyAdmin(ReadOnlyAdmin):
    list_display = ["commune", "village", "model", "year", "total", "registered", "recognised"]
    list_filter = ["model", "year"]
    search_fields = ["commune__code", "commune__name", "village"]
    list_select_related = ["commune"]
