"""The draft form: narrative sections, letterhead, recipients and signer, each with a "clear" box.

A field left blank keeps its saved text; it is erased only when its "clear" box is ticked, so
an emptied box (by mistake, or a browser that lost it) never wipes a section silently.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.yearly import NARRATIVE_SECTIONS

from .models import ReportDraft
from .services import LIST_FIELDS, TEXT_FIELDS, DraftChanges

LABELS = {
    "parent_name": gettext_lazy("Parent body (first line, may be empty)"),
    "issuer_name": gettext_lazy("Issuing body"),
    "symbol": gettext_lazy("Symbol (e.g. BC-UBND; a steering committee: BC-BCĐ)"),
    "place": gettext_lazy("Place in the date line"),
    "recipients": gettext_lazy("To (Kính gửi), one per line"),
    "copies_to": gettext_lazy("Copies to (Nơi nhận, after “Như trên”), one per line"),
    "filing": gettext_lazy("Filing line (e.g. Lưu: VT, VHXH.)"),
    "signer_authority": gettext_lazy("Authority lines, one per line (TM., KT., TL., TUQ., Q.)"),
    "signer_position": gettext_lazy("Signer's position (e.g. PHÓ CHỦ TỊCH, TRƯỞNG BAN)"),
    "signer_host_position": gettext_lazy(
        "Position in the host body, for an advisory body only (e.g. PHÓ CHỦ TỊCH ỦY BAN NHÂN DÂN)"
    ),
    "signer_name": gettext_lazy("Signer's name"),
}
TEXTAREAS = {"recipients", "copies_to", "signer_authority"}


def narrative_name(key: str) -> str:
    return f"narrative_{key}"


class DraftForm(forms.Form):
    """Built on the saved draft (`saved`): its fields, their "clear" boxes and the version."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, saved: ReportDraft, **kwargs):
        super().__init__(*args, **kwargs)
        self.saved = saved
        for key, title in NARRATIVE_SECTIONS:
            self.fields[narrative_name(key)] = forms.CharField(
                label=title, required=False, strip=True,
                widget=forms.Textarea(attrs={"rows": 8}),
            )  # fmt: skip
        for name in TEXT_FIELDS + LIST_FIELDS:
            widget = forms.Textarea(attrs={"rows": 3}) if name in TEXTAREAS else forms.TextInput
            self.fields[name] = forms.CharField(label=LABELS[name], required=False,
                                                widget=widget)  # fmt: skip
        for name in self.clearable():
            self.fields[f"clear_{name}"] = forms.BooleanField(label=_("clear"), required=False)
        if not self.is_bound:
            self.initial = self.initial_of(saved)

    @staticmethod
    def clearable() -> list[str]:
        return [narrative_name(k) for k, _t in NARRATIVE_SECTIONS] + list(TEXT_FIELDS + LIST_FIELDS)

    @staticmethod
    def initial_of(draft: ReportDraft) -> dict:
        initial = {"version": draft.version}
        for key, _title in NARRATIVE_SECTIONS:
            initial[narrative_name(key)] = draft.narrative.get(key, "")
        for name in TEXT_FIELDS:
            initial[name] = getattr(draft, name)
        for name in LIST_FIELDS:
            initial[name] = "\n".join(getattr(draft, name))
        return initial

    def _saved_text(self, name: str) -> str:
        return str(self.initial_of(self.saved).get(name) or "")

    def clean(self):
        data = super().clean()
        for name in self.clearable():
            typed = (data.get(name) or "").strip()
            if name in self.data and not typed and self._saved_text(name).strip():
                if not data.get(f"clear_{name}"):
                    self.add_error(name, _("This was saved with text. To erase it, tick “clear”."))
        return data

    def changes(self) -> DraftChanges:
        """The typed fields (only those the request carried) as a DraftChanges."""
        data = self.cleaned_data
        cleared = set()
        fields = {}
        for name in TEXT_FIELDS + LIST_FIELDS:
            if name in self.data:
                fields[name] = data.get(name) or ""
                if data.get(f"clear_{name}"):
                    cleared.add(name)
        narrative = {}
        for key, _title in NARRATIVE_SECTIONS:
            name = narrative_name(key)
            if name in self.data:
                narrative[key] = data.get(name) or ""
                if data.get(f"clear_{name}"):
                    cleared.add(f"narrative.{key}")
        return DraftChanges(fields=fields, narrative=narrative, cleared=frozenset(cleared))

    def rows(self, names, theirs: dict | None = None) -> list[dict]:
        """Each field with its "clear" box and, after a conflict, the text saved meanwhile
        when it differs from what the person typed."""
        out = []
        for name in names:
            other = None
            if theirs is not None:
                typed = str(self[name].value() or "").strip()
                if str(theirs.get(name) or "").strip() != typed:
                    other = str(theirs.get(name) or "")
            out.append({"field": self[name], "clear": self[f"clear_{name}"], "theirs": other})
        return out
