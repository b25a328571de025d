"""Pages over evaluated targets: home (a registered landing page or the user's dashboard), a
unit's dashboard, a target's breakdown by child unit, the data values behind a figure and
one value's history. Outside the user's scope: 404."""

from __future__ import annotations

import datetime
from collections import Counter

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify

from core import landing, xlsx
from core.downloads import attachment
from indicators.models import DataValue, Disaggregation
from indicators.provisional import Overlay
from indicators.sums import roots_for_year
from monitoring import exports
from monitoring.chain import target_chain
from monitoring.evaluation import Status
from monitoring.panels import panels
from monitoring.queries import (
    STATUS_LABELS,
    Evaluated,
    breakdown,
    children_in,
    elements_behind,
    evaluate_plan,
    evaluate_target,
    evaluate_targets,
    forms_awaiting_approval,
    provisional_overlay,
    values_behind,
    years_with_data,
    years_with_values,
)
from monitoring.unit_plans import order_plans, rows_by_plan, targets_by_plan
from plans.models import Plan, Target
from plans.queries import plans_below, plans_for_unit
from units.access import can, crumbs, get_unit_or_404, home_unit
from units.codes import year_end
from units.maps import Map, Shared, as_map, effective_map, shared_by, successors_note
from units.models import OrgUnit


def _year(request: HttpRequest, years: list[int], *plans: Plan) -> int:
    """The year asked for, else the latest year with data within a plan's period (data of
    years after a plan ended, such as a later reporting round, do not move its dashboard),
    else the latest year with data, else the plans' last year (not after this one)."""
    asked = _asked_year(request)
    if asked is not None:
        return asked
    in_plan = [y for y in years if any(p.start_year <= y <= p.end_year for p in plans)]
    if in_plan or years:
        return (in_plan or years)[-1]
    return min(max(p.end_year for p in plans), datetime.date.today().year)


def _day(request: HttpRequest) -> datetime.date | None:
    """The day the page's unit code is read on: the end of the year asked for, so that a
    code held by two units over time (11914) names the unit of that year; else today."""
    asked = _asked_year(request)
    return year_end(asked) if asked is not None else None


def _asked_year(request: HttpRequest) -> int | None:
    """The year of ?year=, if it is one."""
    asked = request.GET.get("year", "")
    return int(asked) if asked.isdigit() and 1900 <= int(asked) <= 2200 else None


def _chosen_plan(request: HttpRequest, plans: list[Plan]) -> Plan | None:
    """The plan asked for (?plan=code); else, of the unit's plans, the one covering the year
    asked (or this year), the nearest issuer's first, as the dashboard lists them: a bare
    export of the đặc khu in 2025 is of KH 254, not of whichever plan sorts first."""
    asked = request.GET.get("plan")
    if asked:
        return next((p for p in plans if p.code == asked), None)
    ordered = order_plans(plans, _asked_year(request) or timezone.localdate().year)
    return ordered[0] if ordered else None


def _year_choices(years: list[int], plans: list[Plan], year: int) -> list[int]:
    spans = {y for p in plans for y in range(p.start_year, p.end_year + 1)}
    return sorted(set(years) | spans | {year})


def _target_or_404(unit: OrgUnit, target_id: int) -> Target:
    """A target of a plan that applies to the unit."""
    target = (
        Target.objects.select_related("indicator", "group", "plan")
        .prefetch_related("milestones")
        .filter(pk=target_id, plan__in=plans_for_unit(unit))
        .first()
    )
    if target is None:
        raise Http404
    return target


def _measured_through(unit: OrgUnit, year: int, map: Map = Map.AS_WAS) -> list[OrgUnit]:
    """The units a year's figures come from, when they are not the unit itself."""
    roots = roots_for_year(unit, year, map)
    return [] if roots == [unit] else roots


def _map(request: HttpRequest) -> Map:
    """The map asked for (?map=as_was|as_is); anything else is the default, as it was."""
    return as_map(request.GET.get("map")) or Map.AS_WAS


def _seen(user, shared: list[Shared]) -> list[Shared]:
    """The shared units with only the successors the user may see (never one outside)."""
    return [
        Shared(s.predecessor, tuple(u for u in s.successors if can(user, "view", u)))
        for s in shared
    ]


def _map_context(user, unit: OrgUnit, year: int, map: Map) -> dict:
    """What the pages say about the map: which one, and where it leaves figures out."""
    day = year_end(year)
    shared = shared_by([unit], day, effective_map(unit, map)).get(unit.pk, [])
    return {
        "map": map,
        "map_label": map.label,
        "map_choices": Map.choices,
        # kept in every link and export of the page (the default is left out)
        "map_query": "" if map == Map.AS_WAS else f"&map={map.value}",
        # as it is now, a unit no longer on today's map is shown as it was
        "map_fallback": effective_map(unit, map) != map,
        # a unit that ended before the year: its figures are under its successors (those
        # the user may see are named)
        "ended": unit.valid_to is not None and unit.valid_to < day,
        "successors": [u for u in successors_note(unit, day) if can(user, "view", u)],
        "shared": _seen(user, shared),
    }


def _option_names() -> dict[str, dict[str, str]]:
    """Disaggregation option names by dimension: {"sex": {"F": "Nữ", ...}, ...}."""
    names: dict[str, dict[str, str]] = {d: {} for d in Disaggregation.Dimension.values}
    for dimension, code, name in Disaggregation.objects.values_list("dimension", "code", "name"):
        names[dimension][code] = name
    return names


def _by_group(
    rows: list[Evaluated], provisional: dict[int, Evaluated]
) -> list[tuple[object, list[tuple[Evaluated, Evaluated | None]]]]:
    """Rows by objective group, each with its provisional figure where one is shown."""
    groups: dict[int, tuple[object, list]] = {}
    for row in rows:
        pair = (row, provisional.get(row.target.pk))
        groups.setdefault(row.target.group_id, (row.target.group, []))[1].append(pair)
    return sorted(groups.values(), key=lambda g: g[0].order)


def _provisional(
    request: HttpRequest, targets, unit: OrgUnit, year: int, map: Map = Map.AS_WAS
) -> dict:
    """How many forms await approval and, when the user asked to see the provisional figures
    (?provisional=1), the values they hold (else an empty overlay, never computed)."""
    waiting = forms_awaiting_approval(targets, unit, year)
    shown = bool(waiting) and request.GET.get("provisional") == "1"
    overlay = provisional_overlay(targets, unit, year, map) if shown else Overlay()
    return {"forms_waiting": waiting, "show_provisional": shown, "overlay": overlay}


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    """Every plan that applies to the unit, grouped by plan, the current cycle's first; or
    one plan (?plan=code), as the dashboard always showed it."""
    unit = get_unit_or_404(request.user, code, on=_day(request))
    plans = list(plans_for_unit(unit))
    asked = next((p for p in plans if p.code == request.GET.get("plan")), None)
    context = {"unit": unit, "plans": plans, "crumbs": crumbs(request.user, unit)}
    context["children"] = OrgUnit.objects.get_children(unit).select_related("level")
    # A successor (đặc khu, 2025) breaks down through the units it came from.
    context["has_parts"] = unit.numchild > 0 or unit.successions_in.exists()
    if not plans:
        context |= {"plan": None, "plans_below": plans_below(unit)}
        return render(request, "monitoring/dashboard.html", context)
    shown = [asked] if asked else plans
    by_plan = targets_by_plan(shown)
    targets = [t for p in shown for t in by_plan[p.pk]]
    years = years_with_values(elements_behind(targets), unit)
    year = _year(request, years, *shown)
    shown = order_plans(shown, year)
    map = _map(request)
    rows = evaluate_targets(targets, unit, year, map=map)
    pending = _provisional(request, targets, unit, year, map)
    overlay = pending.pop("overlay")
    provisional = {}
    if overlay:
        provisional = {
            r.target.pk: r
            for r in evaluate_targets(targets, unit, year, overlay, map)
            if r.provisional
        }
    plan_groups = [
        (group.plan, group.current, _by_group(group.rows, provisional))
        for group in rows_by_plan(shown, rows)
    ]
    counts = Counter(row.status for row in rows)
    context |= {
        # the plan the page is headed by: the one asked for, else the first listed
        "plan": shown[0],
        "all_plans": asked is None,
        "plan_groups": plan_groups,
        "groups": [g for _p, _c, groups in plan_groups for g in groups],
        "year": year,
        "years": _year_choices(years, shown, year),
        **pending,
        # "Void" is listed only when a target is: plans without void targets read as before.
        "counts": [
            (status, label, counts.get(status, 0))
            for status, label in STATUS_LABELS.items()
            if status != Status.VOID or counts.get(status)
        ],
        "total": len(rows),
        "partial": sum(1 for row in rows if row.partial),
        "measured_through": _measured_through(unit, year, map),
        "panels": panels(request.user, unit, year),
        **_map_context(request.user, unit, year, map),
    }
    return render(request, "monitoring/dashboard.html", context)


def _chart(target: Target, rows: list[Evaluated]) -> dict:
    """The bar chart's data: one bar per child unit, and the target each bar is held to."""

    def number(value):
        return float(value) if value is not None else None

    def goal(row: Evaluated):
        if target.scope == Target.Scope.EVERY_COMMUNE and row.den is not None:
            return number(target.commune_share)
        return number(target.value)

    return {
        "labels": [row.unit.display_name for row in rows],
        "values": [number(row.value) for row in rows],
        "goals": [goal(row) for row in rows],
        "statuses": [row.status for row in rows],
        "unit_label": target.indicator.unit_label,
    }


def _target_context(request: HttpRequest, code: str, target_id: int) -> dict:
    """What a target's pages share: unit and target (404 outside scope), year, total."""
    unit = get_unit_or_404(request.user, code, on=_day(request))
    target = _target_or_404(unit, target_id)
    years = years_with_data(target.plan, unit) if "year" not in request.GET else []
    year = _year(request, years, target.plan)
    map = _map(request)
    return {
        "unit": unit,
        "target": target,
        "plan": target.plan,
        "year": year,
        "crumbs": crumbs(request.user, unit),
        "total": evaluate_target(target, unit, year, map),
        "measured_through": _measured_through(unit, year, map),
        **_map_context(request.user, unit, year, map),
    }


@login_required
def target_breakdown(request: HttpRequest, code: str, target_id: int) -> HttpResponse:
    context = _target_context(request, code, target_id)
    target, unit, year, map = context["target"], context["unit"], context["year"], context["map"]
    rows = breakdown(target, unit, year, map=map)
    pending = _provisional(request, [target], unit, year, map)
    overlay = pending.pop("overlay")
    lines = [(row.unit, row, None) for row in rows]
    if overlay:
        lines = _with_provisional(rows, breakdown(target, unit, year, overlay, map))
        total = evaluate_targets([target], unit, year, overlay, map)[0]
        context["provisional_total"] = total if total.provisional else None
    context |= {
        "rows": rows,
        "lines": lines,
        "has_rows": bool(lines),
        "chart": _chart(target, rows),
        "shared_below": _seen(request.user, _shared_below(unit, year, map)),
        "chain": target_chain(target, request.user, year, map),
        **pending,
    }
    return render(request, "monitoring/breakdown.html", context)


def _shared_below(unit: OrgUnit, year: int, map: Map) -> list:
    """The units of the year split between several of today's units below `unit`: each once,
    with its successors (their figures leave it out)."""
    map = effective_map(unit, map)
    if map != Map.AS_IS:
        return []
    children = children_in(unit, year, map)
    found = {}
    for shared in shared_by(children, year_end(year), map).values():
        for s in shared:
            found.setdefault(s.predecessor.pk, s)
    return list(found.values())


def _with_provisional(approved: list[Evaluated], provisional: list[Evaluated]) -> list[tuple]:
    """(unit, approved row or None, provisional row or None) for every unit of either list;
    a provisional row only where values awaiting approval enter it."""
    by_unit = {row.unit.pk: row for row in approved}
    lines = [(p.unit, by_unit.pop(p.unit.pk, None), p if p.provisional else None)
             for p in provisional]  # fmt: skip
    return lines + [(row.unit, row, None) for row in by_unit.values()]


def _xlsx(data: bytes, name: str) -> HttpResponse:
    return attachment(data, xlsx.XLSX_CONTENT_TYPE, f"{slugify(name)}.xlsx")


def _stamp(request: HttpRequest, unit: OrgUnit, year: int, targets: list, map: Map):
    """The title block of a dashboard export: the unit, the year, the day its figures were
    last approved, and "Số liệu minh họa" when demo values are among them."""
    latest, demo = exports.provenance(targets, unit, year, map)
    return xlsx.stamp_for(request, unit.name, year, xlsx.approved_line(latest), demo)


@login_required
def dashboard_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """The dashboard's table of targets as a spreadsheet, for the plan and year asked."""
    unit = get_unit_or_404(request.user, code, on=_day(request))
    plans = list(plans_for_unit(unit))
    plan = _chosen_plan(request, plans)
    if plan is None:
        raise Http404
    year = _year(request, years_with_data(plan, unit), plan)
    map = _map(request)
    rows = evaluate_plan(plan, unit, year, map)
    sheet = exports.dashboard_sheet(unit, plan, year, rows, map)
    stamp = _stamp(request, unit, year, [row.target for row in rows], map)
    return _xlsx(xlsx.render([sheet], stamp), f"xhht-{unit.code}-{year}")


@login_required
def breakdown_xlsx(request: HttpRequest, code: str, target_id: int) -> HttpResponse:
    """A target's breakdown by the units below, as a spreadsheet."""
    context = _target_context(request, code, target_id)
    unit, target, year, map = context["unit"], context["target"], context["year"], context["map"]
    rows = breakdown(target, unit, year, map=map)
    sheet = exports.breakdown_sheet(unit, target, year, rows, map)
    stamp = _stamp(request, unit, year, [target], map)
    return _xlsx(xlsx.render([sheet], stamp), f"xhht-{unit.code}-{target.code}-{year}")


@login_required
def target_values(request: HttpRequest, code: str, target_id: int) -> HttpResponse:
    context = _target_context(request, code, target_id)
    values = values_behind(context["target"], context["unit"], context["year"], context["map"])
    context |= {"values": values, "option_names": _option_names()}
    return render(request, "monitoring/values.html", context)


def _changes(records: list) -> list[dict]:
    """Each historical record with the value before it, newest first."""
    changes, previous = [], None
    for record in records:
        changes.append(
            {
                "record": record,
                "old": previous.value if previous is not None else None,
                "new": record.value if record.history_type != "-" else None,
                "who": record.history_user or record.updated_by,
            }
        )
        previous = record
    return changes[::-1]


@login_required
def value_history(request: HttpRequest, value_id: int) -> HttpResponse:
    value = get_object_or_404(
        DataValue.objects.select_related("unit", "element", "period", "updated_by"), pk=value_id
    )
    if not can(request.user, "view", value.unit):
        raise Http404
    records = value.history.select_related("history_user", "updated_by").order_by(
        "history_date", "history_id"
    )
    context = {
        "value": value,
        "unit": value.unit,
        "changes": _changes(list(records)),
        "option_names": _option_names(),
    }
    return render(request, "monitoring/value_history.html", context)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not request.session.get("xhht_first_page_shown"):
        # Once per session (i.e. on login): a page that needs the user now, such as the
        # list of reports a reporter owes; later visits go to the dashboard.
        request.session["xhht_first_page_shown"] = True
        address = landing.first_page(request.user)
        if address:
            return redirect(address)
    unit = home_unit(request.user)
    if unit is None:
        return render(request, "core/no_unit.html")
    return redirect("dashboard", code=unit.code)
