"""The read-only PCGD-XMC pages: a unit's standards, the persons behind a rate, the .xlsx tables.

Outside the user's scope is a 404. Every page or export that shows persons writes a
PersonAccess row; the statistical tables hold counts only but are logged all the same.
"""

from __future__ import annotations

import datetime
import re

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import xlsx
from core.downloads import attachment
from indicators.demo import holds_demo_figures
from units.access import can, crumbs, get_unit_or_404, subtree_filter
from units.models import OrgUnit
from units.tree import with_predecessors

from . import tables
from .models import CommuneYear, PersonAccess
from .queries import (
    COMMUNE_LEVEL,
    communes_covered,
    current_rules,
    disadvantaged_in,
    parents_of,
    unit_standards,
)
from .queries import persons_behind as persons_of_rate
from .rules import RateDef
from .rules import RuleSet as Rules
from .services import record_person_access

PER_PAGE = 100


def _is_commune(unit: OrgUnit) -> bool:
    return unit.level_id is not None and unit.level.code == COMMUNE_LEVEL


def _admin_unit_or_404(user, code: str) -> OrgUnit:
    """An administrative unit in the user's view scope (a body holds no register)."""
    unit = get_unit_or_404(user, code)
    if unit.kind != OrgUnit.Kind.ADMINISTRATIVE:
        raise Http404
    return unit


def _commune_or_404(user, code: str) -> OrgUnit:
    unit = _admin_unit_or_404(user, code)
    if not _is_commune(unit):
        raise Http404
    return unit


def _year(request: HttpRequest, unit: OrgUnit) -> tuple[int, list[int]]:
    """The year asked for, else the latest register year of the unit's communes, else today's;
    and the years to choose from."""
    roots = with_predecessors([unit])
    years = sorted(
        set(
            CommuneYear.objects.filter(subtree_filter(roots, "commune__"))
            .values_list("year", flat=True)
            .distinct()
        )
    )
    asked = request.GET.get("year", "")
    today = datetime.date.today().year
    if asked.isdigit() and 1900 <= int(asked) <= 2200:
        year = int(asked)
    else:
        year = years[-1] if years else today
    return year, sorted(set(years) | {year, today})


def _base(request: HttpRequest, unit: OrgUnit, year: int, years: list[int]) -> dict:
    return {"unit": unit, "year": year, "years": years, "rules": current_rules(),
            "crumbs": crumbs(request.user, unit)}  # fmt: skip


@login_required
def standards(request: HttpRequest, code: str) -> HttpResponse:
    unit = _admin_unit_or_404(request.user, code)
    year, years = _year(request, unit)
    context = _base(request, unit, year, years)
    rules = context["rules"]
    # The same function as /api/v1/pcgd/standards/: page and API cannot drift apart.
    found = unit_standards(unit, year, rules)
    communes, evaluation, flags = found.communes, found.evaluation, found.flags
    if found.is_commune:
        poor = flags.get(unit.pk, False)
        rows = tables.commune_standards(evaluation.communes[unit.code], poor, rules)
        context |= {"standards": rows, "disadvantaged": poor}
        return render(request, "universalization/standards_commune.html", context)
    parents = {p.code: p for p in parents_of(communes)}
    context |= {
        "standard_defs": list(rules.standards.values()),
        "rows": tables.commune_rows(communes, evaluation, flags, rules),
        "summaries": tables.district_summaries(evaluation, parents, rules),
    }
    return render(request, "universalization/standards_units.html", context)


def _rate_or_404(request: HttpRequest, rules: Rules) -> RateDef:
    rate = rules.rates.get(request.GET.get("rate", ""))
    if rate is None:
        raise Http404
    return rate


def _persons_context(request: HttpRequest, code: str) -> dict:
    """What the persons page and its export share: commune (404 outside scope), year, rate."""
    unit = _commune_or_404(request.user, code)
    year, years = _year(request, unit)
    context = _base(request, unit, year, years)
    rate = _rate_or_404(request, context["rules"])
    meeting = request.GET.get("meeting", "1") != "0"
    persons = persons_of_rate(unit, year, rate.code, meeting=meeting, rules=context["rules"])
    what = f"persons {'counted in' if meeting else 'missing from'} {rate.code}, {year}"
    ages = rate.ages_for(disadvantaged_in([unit.pk], year).get(unit.pk, False))
    return context | {
        "rate": rate,
        "ages": ages,
        "meeting": meeting,
        "persons": persons,
        "what": what,
    }


def _log(request: HttpRequest, unit: OrgUnit, action: str, what: str, rows: int) -> None:
    record_person_access(request.user, unit, action, what, rows)


@login_required
def persons(request: HttpRequest, code: str) -> HttpResponse:
    context = _persons_context(request, code)
    page = Paginator(context["persons"], PER_PAGE).get_page(request.GET.get("page"))
    what = f"{context['what']}, page {page.number}"
    _log(request, context["unit"], PersonAccess.Action.LIST, what, len(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    can_edit = can(request.user, "enter_data", context["unit"])
    context |= {"page": page, "query": query.urlencode(), "can_edit": can_edit}
    return render(request, "universalization/persons.html", context)


def _stamp(request: HttpRequest, unit: OrgUnit, year: int, updated) -> xlsx.Stamp:
    """The title block of a PCGD-XMC export: counted from the register as it stood when it
    was last updated (a register is kept, not approved), and whether the demo's is loaded."""
    line = xlsx.register_line(updated)
    return xlsx.stamp_for(request, unit.name, year, line, holds_demo_figures())


def _xlsx(data: bytes, unit: OrgUnit, year: int, name: str) -> HttpResponse:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", unit.code)
    return attachment(data, xlsx.XLSX_CONTENT_TYPE, f"pcgd-{safe}-{year}-{name}.xlsx")


@login_required
def persons_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    context = _persons_context(request, code)
    unit, year, rate = context["unit"], context["year"], context["rate"]
    title = (_("Persons counted in: %(rate)s") if context["meeting"]
             else _("Persons missing from: %(rate)s")) % {"rate": rate.name}  # fmt: skip
    persons = context["persons"]
    sheet = tables.persons_sheet(unit, year, title, persons)
    _log(request, unit, PersonAccess.Action.EXPORT, context["what"], persons.count())
    suffix = f"{rate.code}-{'counted' if context['meeting'] else 'missing'}"
    updated = persons.order_by().aggregate(latest=Max("updated_at"))["latest"]
    return _xlsx(xlsx.render([sheet], _stamp(request, unit, year, updated)), unit, year, suffix)


@login_required
def tables_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    unit = _admin_unit_or_404(request.user, code)
    year, _years = _year(request, unit)
    _is, communes = communes_covered(unit, year)
    sheets = tables.birth_year_sheets(unit, communes, year, current_rules())
    rows = sum(len(s.rows) for s in sheets)
    _log(request, unit, PersonAccess.Action.EXPORT, f"statistical tables, {year}", rows)
    stamp = _stamp(request, unit, year, tables.register_updated(communes))
    return _xlsx(xlsx.render(sheets, stamp), unit, year, "tables")


@login_required
def standards_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    unit = _admin_unit_or_404(request.user, code)
    year, _years = _year(request, unit)
    rules = current_rules()
    found = unit_standards(unit, year, rules)
    communes, evaluation, flags = found.communes, found.evaluation, found.flags
    if found.is_commune:
        rows = tables.commune_standards(
            evaluation.communes[unit.code], flags.get(unit.pk, False), rules
        )
        sheets = [tables.commune_standards_sheet(unit, year, rows)]
    else:
        parents = {p.code: p for p in parents_of(communes)}
        sheets = tables.units_standards_sheets(
            unit, year, tables.commune_rows(communes, evaluation, flags, rules),
            tables.district_summaries(evaluation, parents, rules), rules,
        )  # fmt: skip
    stamp = _stamp(request, unit, year, tables.register_updated(communes))
    return _xlsx(xlsx.render(sheets, stamp), unit, year, "standards")
