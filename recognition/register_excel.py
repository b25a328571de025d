"""The yearly tallies table the Hội Khuyến học reports before 15/12 (CV 6782/BGDĐT-GDTX), as
a print-ready workbook: per village for a commune, per commune above it; no live formula."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core import xlsx
from core.xlsx import LANDSCAPE, Page, Sheet, Unnumbered, number, percent
from units.models import OrgUnit

from .models import Model
from .registers import TALLY_MODELS, Figures, holds_register, pivot, tallies_for


def _model_columns() -> list[tuple[str, int]]:
    columns = []
    for model in TALLY_MODELS:
        label = str(Model(model).label)
        columns += [
            (_("%(model)s: total") % {"model": label}, 11),
            (_("%(model)s: registered") % {"model": label}, 11),
            (_("%(model)s: recognised") % {"model": label}, 11),
            (_("%(model)s: %% recognised") % {"model": label}, 10),
        ]
    return columns


def _cells(per_model: dict[str, Figures]) -> list:
    cells = []
    for model in TALLY_MODELS:
        figures = per_model.get(model, Figures())
        share = figures.share
        cells += [number(figures.total), number(figures.registered), number(figures.recognised),
                  percent(share) if share is not None else None]  # fmt: skip
    return cells


def tallies_sheet(unit: OrgUnit, year: int) -> Sheet:
    """The table of `unit` in `year`: a row per village (a commune) or per commune (a unit
    above), then the total; the percentages are computed here from the counts."""
    by_village = holds_register(unit, year)
    tallies = tallies_for(unit, year)
    if by_village:
        rows = pivot(tallies, lambda t: t.village or _("(whole commune)"))
        first = (_("Village or residential group"), 28)
    else:
        rows = pivot(tallies, lambda t: t.commune.display_name)
        first = (_("Commune"), 28)
    sheet = Sheet(
        title=_("Learning models %(year)s") % {"year": year},
        heading=[
            _("Learning families, clans, communities and units: tallies of %(year)s")
            % {"year": year},
            unit.display_name,
            _(
                "Reported before 15/12 to the Ministry of Education and Training and the "
                "Association for Promoting Learning of Viet Nam"
            ),  # fmt: skip
        ],
        columns=[first, *_model_columns()],
        page=Page(LANDSCAPE),
        numbered=True,
        signature=True,
    )
    for name, per_model in rows.items():
        sheet.rows.append([name, *_cells(per_model)])
    total = pivot(tallies, lambda t: "")
    sheet.rows.append(Unnumbered([_("Total"), *_cells(total.get("", {}))]))
    return sheet


def render(unit: OrgUnit, year: int, stamp: xlsx.Stamp | None = None) -> bytes:
    return xlsx.render([tallies_sheet(unit, year)], stamp)
