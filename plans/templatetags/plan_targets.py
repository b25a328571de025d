"""How a target with several milestones, or a share of units other than communes, reads on
the plan's page: one line per milestone."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from core.templatetags.xhht import COMPARATOR_SIGNS, vn_number
from plans.models import Target
from plans.targets import subject_label

register = template.Library()


def _condition(target: Target) -> str:
    label = target.indicator.unit_label if target.indicator else ""
    value = vn_number(target.value)
    return f"{COMPARATOR_SIGNS.get(target.comparator, '')} {value}{'%' if label == '%' else ''}"


@register.filter
def milestone_lines(target: Target) -> list[str]:
    """One line per milestone ("2025: 70% of provinces ≥ 2"), or [] when the target reads
    as one goal by one year, as plan 08's targets do (the page then shows `goal`)."""
    milestones = list(target.milestones.all())
    share = target.measure == Target.Measure.SHARE_OF_UNITS
    if len(milestones) <= 1 and not (share and target.scope != Target.Scope.EVERY_COMMUNE):
        return []
    lines = []
    for m in milestones:
        if share:
            text = _("%(share)s%% of %(subject)s: %(condition)s") % {
                "share": vn_number(m.value),
                "subject": subject_label(target.subject),
                "condition": _condition(target),
            }
        else:
            label = target.indicator.unit_label if target.indicator else ""
            sign = COMPARATOR_SIGNS.get(target.comparator, "")
            text = f"{sign} {vn_number(m.value)}{'%' if label == '%' else ''}"
        line = _("%(year)s: %(goal)s") % {"year": m.year, "goal": text}
        lines.append(line + (" " + _("(strive for)") if m.aspirational else ""))
    return lines
