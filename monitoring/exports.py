"""Dashboard tables as spreadsheets: the rows the pages show, for core.xlsx to render.

Figures are number cells with a display format ("95,5%" is the fraction 0.955 shown as a
percentage by the reader's locale), never text; every text goes through core.xlsx's inert
writer, so a goal written "= 100%" stays text.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.xlsx import Formatted, Sheet, number, percent
from plans.templatetags.targets import goal
from units.maps import Map

from .queries import Evaluated, share_level, status_text


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
    return number(row.value, indicator.decimals, indicator.unit_label)


def map_heading(map: Map) -> str:
    """The heading's line that says which map the figures are rolled up by."""
    return _("Administrative map: %(map)s") % {"map": Map(map).label}


def dashboard_sheet(unit, plan, year: int, rows: list[Evaluated], map: Map = Map.AS_WAS) -> Sheet:
    """A unit's targets in a year: clause, wording, goal, figure, numerator, denominator, status."""
    sheet = Sheet(
        title=_("Targets %(year)s") % {"year": year},
        heading=[
            plan.number + " — " + plan.title,
            f"{unit.display_name} · {year}",
            map_heading(map),
        ],  # fmt: skip
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
    """A target's figure in each unit below: unit, figure, numerator, denominator, status."""
    sheet = Sheet(
        title=target.clause,
        heading=[
            target.text,
            f"{unit.display_name} · {year} · {_('Goal')}: {goal(target)}",
            map_heading(map),
        ],  # fmt: skip
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
