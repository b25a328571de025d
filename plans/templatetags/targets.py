"""Template filters for what a target asks, in signs ("> 99%", "≥ 2", "0,97–1,03"), and its
milestones one line each."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from core.templatetags.xhht import vn_number, with_label
from plans.models import Target, milestone_in_force
from plans.targets import subject_label

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


def _sign_and_value(target: Target, value) -> str:
    label = target.indicator.unit_label if target.indicator else ""
    sign = COMPARATOR_SIGNS.get(target.comparator, "")
    return f"{sign} {with_label(vn_number(value), '%' if label == '%' else '')}"


@register.filter
def milestone_lines(target: Target) -> list[str]:
    """One line per milestone ("2025: 70% of provinces: ≥ 2"), or [] when the target reads
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
                "condition": _sign_and_value(target, target.value),
            }
        else:
            text = _sign_and_value(target, m.value)
        line = _("%(year)s: %(goal)s") % {"year": m.year, "goal": text}
        lines.append(line + (" " + _("(strive for)") if m.aspirational else ""))
    return lines


@register.filter
def goal_at(target: Target, year) -> str:
    """What the target asks by its milestone in force for `year` (the first due in or after
    it, else the last): "70% of provinces: ≥ 2", "≥ 60%"; a target written as one goal by
    one year, or one compared by a range or a trend, reads as `goal`."""
    milestones = list(target.milestones.all())
    share = target.measure == Target.Measure.SHARE_OF_UNITS
    milestone = milestone_in_force(milestones, int(year))
    one_goal = len(milestones) <= 1 and not (share and target.scope != Target.Scope.EVERY_COMMUNE)
    if milestone is None or one_goal or (not share and target.comparator in ("rises", "parity")):
        return goal(target)
    if share:
        return _("%(share)s%% of %(subject)s: %(condition)s") % {
            "share": vn_number(milestone.value),
            "subject": subject_label(target.subject),
            "condition": _sign_and_value(target, target.value),
        }
    return _sign_and_value(target, milestone.value)


@register.filter
def aspirational_at(target: Target, year) -> bool:
    """Whether the plan says "phấn đấu" (strive for) of the milestone in force for `year`."""
    milestone = milestone_in_force(list(target.milestones.all()), int(year))
    return milestone.aspirational if milestone is not None else target.aspirational
