"""Template filter for what a target asks, in signs: "> 99%", "≥ 2", "0,97–1,03"."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from core.templatetags.xhht import vn_number, with_label

register = template.Library()

COMPARATOR_SIGNS = {"gt": ">", "gte": "≥", "eq": "=", "lte": "≤", "lt": "<"}


@register.filter
def goal(target) -> str:
    """What the target asks, in signs: "> 99%", "≥ 2", "0,97–1,03", "rises every year"."""
    indicator = target.indicator
    if target.comparator == "rises":
        return _("rises every year")
    label = indicator.unit_label
    if target.comparator == "parity":
        low, high = vn_number(target.value), vn_number(target.value_max)
        return with_label(f"{low}–{high}", label)
    sign = COMPARATOR_SIGNS.get(target.comparator, "")
    text = f"{sign} {with_label(vn_number(target.value), label)}"
    if target.scope == "every_commune":
        share = vn_number(target.commune_share, 1)
        return _("%(goal)s in %(share)s%% of communes") % {"goal": text, "share": share}
    return text
