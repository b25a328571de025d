"""Dashboard tables as spreadsheets: the rows the pages show, for core.xlsx to render.

Figures are number cells with a display format ("95,5%" is the fraction 0.955 shown as a
percentage by the reader's locale), never text; every text goes through core.xlsx's inert
writer, so a goal written "= 100%" stays text.
"""

from __future__ import annotations

from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from core.xlsx import LANDSCAPE, PORTRAIT, Formatted, Page, Sheet, number, percent
from indicators.models import DataValue, Indicator
from plans.templatetags.targets import goal
from units.maps import Map

from .queries import Evaluated, share_level, status_text, values_behind

RATIO_DECIMALS = 2  # a parity index or a plain ratio: 0,97, never "1"


def provenance(targets, unit, year: int, map: Map = Map.AS_WAS) -> tuple:
    """(the last time a value behind these targets' figures was approved or published, or
    None; whether any of them is a demo value): the values store holds approved figures only
    (a form's entries reach it when the form is approved), so its latest change is the day
    the figures shown were last approved."""
    latest, demo = None, False
    for target in targets:
        found = (values_behind(target, unit, year, map).order_by()
                 .aggregate(latest=Max("updated_at"),
                            demo=Count("pk", filter=Q(source=DataValue.Source.DEMO))))  # fmt: skip
        if found["latest"] is not None and (latest is None or found["latest"] > latest):
            latest = found["latest"]
        demo = demo or bool(found["demo"])
    return latest, demo


def figure_cell(row: Evaluated) -> Formatted:
    """The figure as the page shows it, as a number: a percentage, a share of communes (its
    met and counted communes are the numerator and denominator columns), or a measure."""
    target, indicator = row.target, row.target.indicator
    if row.value is None:
        return Formatted(None, "General")
    if share_level(target) is not None and row.den is not None:
        return percent(row.value, 1)
    if indicator.unit_label == "%":
        return percent(row.value, indicator.decimals)
    if indicator.kind == Indicator.Kind.PARITY or (
        indicator.kind == Indicator.Kind.RATIO and indicator.factor == 1
    ):
        return number(row.value, max(RATIO_DECIMALS, indicator.decimals), indicator.unit_label)
    return number(row.value, indicator.decimals, indicator.unit_label)


def map_heading(map: Map) -> str:
    """The heading's line that says which map the figures are rolled up by."""
    return _("Administrative map: %(map)s") % {"map": Map(map).label}


def dashboard_sheet(unit, plan, year: int, rows: list[Evaluated], map: Map = Map.AS_WAS) -> Sheet:
    """A unit's targets in a year: clause, wording, goal, figure, numerator, denominator,
    status; landscape, one page wide (the target's wording is the widest column)."""
    sheet = Sheet(
        title=_("Targets %(year)s") % {"year": year},
        heading=[
            _("Results target by target"),
            plan.number + " — " + plan.title,
            unit.display_name,
            map_heading(map),
        ],  # fmt: skip
        page=Page(LANDSCAPE),
        columns=[
            (_("Clause"), 14),
            (_("Target"), 60),
            (_("Goal"), 16),
            (_("Figure"), 18),
            (_("Numerator"), 14),
            (_("Denominator"), 14),
            (_("Status"), 20),
        ],  # fmt: skip
    )
    for row in rows:
        target, status = row.target, status_text(row)  # with its coverage when partial
        sheet.rows.append([target.clause, target.text, goal(target), figure_cell(row),
                           number(row.num), number(row.den), status])  # fmt: skip
    return sheet


def breakdown_sheet(unit, target, year: int, rows: list[Evaluated], map: Map = Map.AS_WAS) -> Sheet:
    """A target's figure in each unit below: unit, figure, numerator, denominator, status;
    portrait, one page wide."""
    sheet = Sheet(
        title=target.clause,
        heading=[
            target.text,
            f"{unit.display_name} · {_('Goal')}: {goal(target)}",
            map_heading(map),
        ],  # fmt: skip
        page=Page(PORTRAIT),
        columns=[
            (_("Unit"), 30),
            (_("Figure"), 18),
            (_("Numerator"), 14),
            (_("Denominator"), 14),
            (_("Status"), 20),
        ],  # fmt: skip
    )
    for row in rows:
        sheet.rows.append([row.unit.display_name, figure_cell(row), number(row.num),
                           number(row.den), status_text(row)])  # fmt: skip
    return sheet
