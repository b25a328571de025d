"""The recognition box on a unit's dashboard: its recognitions in force, and the communes below."""

from __future__ import annotations

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.templatetags.xhht import vn_date, vn_number
from monitoring.panels import Panel
from units.models import OrgUnit
from units.tree import subtree_q

from . import prefill, queries
from .models import Decision, Model


def recognition_panel(user, unit: OrgUnit, year: int) -> Panel | None:
    """What the unit holds in `year` (a recognition decided for it, or still kept), a refusal
    of that year with its reasons, and for a unit with communes below how many of them are
    recognised as learning communities (their decisions, counted as a district's H4.1 is).
    None when there is nothing of either kind."""
    labels = dict(Model.choices)
    lines = []
    for decision in queries.unit_recognitions(unit):
        app = decision.application
        name = capfirst(str(labels.get(app.model, app.model)))
        if decision.outcome == Decision.Outcome.RECOGNISED and (
            app.year <= year <= (decision.valid_until or app.year)
        ):
            label = _("%(model)s, level %(level)s") % {"model": name, "level": decision.level}
            text = _("Decision %(number)s of %(date)s (year %(year)s), valid through %(until)s") % {
                "number": decision.number, "date": vn_date(decision.signed_on),
                "year": app.year, "until": decision.valid_until,
            }  # fmt: skip
            lines.append((label, text))
        elif decision.outcome == Decision.Outcome.REFUSED and app.year == year:
            label = _("%(model)s: not recognised") % {"model": name}
            text = _("%(number)s of %(date)s: %(reasons)s") % {
                "number": decision.number, "date": vn_date(decision.signed_on),
                "reasons": decision.reasons,
            }  # fmt: skip
            lines.append((label, text))
    below = None
    if unit.level_id and unit.numchild and _decided_below(unit):
        below = prefill.recognised_below(unit, year)
    if below is not None and below.value["den"]:
        label = _("Communes recognised as learning communities")
        text = _("%(num)s of %(den)s communes (decisions in force in %(year)s)") % {
            "num": vn_number(below.value["num"]), "den": vn_number(below.value["den"]),
            "year": year,
        }  # fmt: skip
        lines.append((label, text))
    if not lines:
        return None
    return Panel(
        key="recognition",
        title=_("Recognition of learning models in %(year)s") % {"year": year},
        lines=lines,
        link=reverse("recognition:unit", args=[unit.ref]),
        link_label=_("Recognitions and applications of this unit"),
    )


def _decided_below(unit: OrgUnit) -> bool:
    """Whether any commune below has a decision on its learning community: a district or a
    province where none has applied yet shows no count of zero on its dashboard."""
    return Decision.objects.filter(
        subtree_q(unit.path, "application__unit__"),
        application__model=Model.COMMUNITY_COMMUNE,
    ).exists()
