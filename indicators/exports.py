"""Dashboard tables as spreadsheets: the rows the pages show, for core.xlsx to render."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.templatetags.xhht import figure, goal
from core.xlsx import Sheet

from .queries import Evaluated, status_text


def _number(value):
    return float(value) if value is not None else None


def dashboard_sheet(unit, plan, year: int, rows: list[Evaluated]) -> Sheet:
    """A unit's targets in a year: clause, wording, goal, figure, numerator, denominator, status."""
    sheet = Sheet(
        title=_("Targets %(year)s") % {"year": year},
        heading=[plan.number + " — " + plan.title, f"{unit.display_name} · {year}"],
        columns=[
            (_("Clause"), 14),
            (_("Target"), 60),
            (_("Goal"), 16),
            (_("Figure"), 18),
            (_("Numerator"), 14),
            (_("Denominator"), 14),
            (_("Status"), 20),
        ],  # fmt: skip
        number_formats={4: "#,##0.##", 5: "#,##0.##"},
    )
    for row in rows:
        target, status = row.target, status_text(row)  # with its coverage when partial
        sheet.rows.append([target.clause, target.text, goal(target), figure(row),
                           _number(row.num), _number(row.den), status])  # fmt: skip
    return sheet


def breakdown_sheet(unit, target, year: int, rows: list[Evaluated]) -> Sheet:
    """A target's figure in each unit below: unit, figure, numerator, denominator, status."""
    sheet = Sheet(
        title=target.clause,
        heading=[target.text, f"{unit.display_name} · {year} · {_('Goal')}: {goal(target)}"],
        columns=[
            (_("Unit"), 30),
            (_("Figure"), 18),
            (_("Numerator"), 14),
            (_("Denominator"), 14),
            (_("Status"), 20),
        ],  # fmt: skip
        number_formats={2: "#,##0.##", 3: "#,##0.##"},
    )
    for row in rows:
        sheet.rows.append([row.unit.display_name, figure(row), _number(row.num),
                           _number(row.den), status_text(row)])  # fmt: skip
    return sheet
