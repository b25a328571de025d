"""How the pages and the dossier put a self-assessment into words: statuses, values, levels."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.templatetags.xhht import vn_number

from . import engine

STATUS_LABELS = {
    engine.MET: gettext_lazy("met"),
    engine.NOT_MET: gettext_lazy("not met"),
    engine.NO_DATA: gettext_lazy("not enough data"),
    engine.NOT_APPLICABLE: gettext_lazy("not applicable"),
}
INPUT_LABELS = {
    "num": gettext_lazy("Numerator"),
    "den": gettext_lazy("Denominator"),
    "trained": gettext_lazy("with technical or vocational training"),
    "university": gettext_lazy("of which university or higher"),
    "value": gettext_lazy("this year"),
    "previous": gettext_lazy("previous year"),
}
# Named levels of an ordinal indicator (a PCGD-XMC level is a number: "level 2").
ORDINAL_LABELS = {
    "none": gettext_lazy("not reached"),
    "basic": gettext_lazy("basic"),
    "good": gettext_lazy("good"),
}


def status_word(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def ordinal_choices(indicator) -> list[tuple[str, str]]:
    """The levels an ordinal indicator is read on, lowest first, as (value, label): its
    scale, or whole numbers from 0 up to its highest named level (a PCGD-XMC level)."""
    labels = dict(getattr(indicator, "scale_labels", None) or {})
    scale = tuple(getattr(indicator, "scale", None) or ())
    if not scale:
        named = [int(k) for k in labels if str(k).isdigit()]
        scale = tuple(range(0, max(named, default=3) + 1))
    return [(str(v), labels.get(str(v)) or _ordinal_label(v)) for v in scale]


def _ordinal_label(value) -> str:
    if isinstance(value, int) or str(value).isdigit():
        return _("level %(n)s") % {"n": value} if int(value) else str(ORDINAL_LABELS["none"])
    return str(ORDINAL_LABELS.get(str(value), value))


def value_text(indicator, value) -> str:
    """An answer's value in words: có/không, 1.200/2.000 (60%), mức độ 2."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Mapping):
        den = value.get("den")
        if den is None:  # a trend: this year and the previous one
            return "; ".join(f"{INPUT_LABELS.get(k, k)}: {vn_number(v)}" for k, v in value.items())
        parts = []
        for key, part in value.items():
            if key == "den" or part is None:
                continue
            share = f" ({vn_number(Decimal(part) * 100 / Decimal(den), 1)}%)" if den else ""
            label = "" if key == "num" else f"{INPUT_LABELS.get(key, key)}: "
            parts.append(f"{label}{vn_number(part)}/{vn_number(den)}{share}")
        return "; ".join(parts) or "—"
    if indicator.kind == "ordinal":
        return dict(ordinal_choices(indicator)).get(str(value), str(value))
    return vn_number(value) if isinstance(value, int | float) else str(value)
