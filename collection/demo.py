"""The demo's reporting round: opened, then a few forms carried through the workflow's states.

Everything goes through collection.services with the demo accounts as actors, so the round
looks exactly as if the office and the communes had used the forms. Values are the unit's
figures of the year before, changed by a seeded share, so they break no rule.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from indicators.demo import DemoSpecError, ensure_year_periods
from units.codes import resolve, resolve_many, year_end
from units.models import OrgUnit

from . import services
from .forms_spec import cells_of, previous_values
from .models import DataSet, ReportingRound, Submission


def load_demo_round(spec: Mapping, selected: Mapping[str, list[str]], seed: str) -> dict | None:
    """Open the round `spec` describes and play its story; None if the round already exists."""
    if ReportingRound.objects.filter(code=spec["code"]).exists():
        return None
    office = _user(spec["office"])
    data_sets = list(DataSet.objects.filter(code__in=spec["data_sets"]).order_by("code"))
    missing = sorted(set(spec["data_sets"]) - {d.code for d in data_sets})
    if missing:
        raise DemoSpecError(_("Unknown data sets: %(codes)s") % {"codes": ", ".join(missing)})
    # The round's unit codes are read on its year's end (units/codes.py).
    day = year_end(spec["year"])
    round_ = services.open_round(
        owner=_unit(spec["owner"], day),
        period=ensure_year_periods([spec["year"]])[spec["year"]],
        code=spec["code"],
        name=spec["name"],
        opens_on=datetime.date.fromisoformat(spec["opens_on"]),
        due_on=datetime.date.fromisoformat(spec["due_on"]),
        data_sets=data_sets,
        actor=office,
        units=_named_units(spec.get("named_units", {}), data_sets, selected, day),
    )
    for step in spec.get("story", []):
        _play(round_, step, office, seed, spec["change"], day)
    statuses = round_.submissions.values_list("status", flat=True)
    return {"round": round_, "forms": len(statuses), "statuses": sorted(statuses)}


def _user(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise DemoSpecError(_("Unknown demo account %(name)s") % {"name": username})
    return user


def _unit(code: str, day: datetime.date) -> OrgUnit:
    unit = resolve(code, day)
    if unit is None:
        raise DemoSpecError(_("Unknown unit %(code)s") % {"code": code})
    return unit


def _named_units(
    named: Mapping[str, list[str]],
    data_sets: list[DataSet],
    selected: Mapping[str, list[str]],
    day: datetime.date,
) -> dict[int, list[OrgUnit]]:
    """Units chosen by selector for the data sets that name no unit level or kinds."""
    by_code = {d.code: d for d in data_sets}
    chosen = {}
    for code, selectors in named.items():
        if code not in by_code:
            raise DemoSpecError(_("Unknown data sets: %(codes)s") % {"codes": code})
        unknown = [s for s in selectors if s not in selected]
        if unknown:
            raise DemoSpecError(_("Unknown unit selector %(name)s") % {"name": unknown[0]})
        codes = [c for s in selectors for c in selected[s]]
        chosen[by_code[code].pk] = sorted(resolve_many(codes, day).values(), key=lambda u: u.path)
    return chosen


def _play(
    round_: ReportingRound, step: Mapping, office, seed: str, change: list, day: datetime.date
) -> None:
    """Fill one unit's form and take it to the step's status."""
    submission = (
        Submission.objects.select_related("unit", "data_set", "round__period")
        .filter(round=round_, unit=resolve(step["unit"], day), data_set__code=step["data_set"])
        .first()
    )
    if submission is None:
        message = _("No form of %(data_set)s is due from unit %(unit)s in this round")
        raise DemoSpecError(message % {"data_set": step["data_set"], "unit": step["unit"]})
    reporter = _user(step["reporter"])
    typed = _typed_values(submission, seed, change)
    try:
        services.save_entries(submission, typed, actor=reporter)
        if step["status"] == "draft":
            return
        services.submit(submission, actor=reporter)
        if step["status"] == "approved":
            services.approve(submission, actor=office)
        elif step["status"] == "returned":
            services.return_submission(submission, actor=office, comment=step["comment"])
    except services.SubmissionRefused as exc:
        details = "; ".join(p.message for p in exc.problems)
        raise DemoSpecError(f"{step['unit']}: {exc} {details}".strip()) from exc


def _typed_values(submission: Submission, seed: str, change: list) -> dict:
    """Last year's figure of every cell, times one seeded factor, as the reporter types it.

    One factor for the whole form keeps every part at most its whole (rounding half up is
    monotonic), and a small one keeps every figure within the change rules.
    """
    rng = random.Random(f"{seed}|collection|{submission.unit.code}|{submission.data_set.code}")
    factor = Decimal(1 + rng.uniform(*change))
    keys = [cell.key for cell in cells_of(submission.data_set)]
    last = previous_values(submission.unit, submission.round.period, sorted({k[0] for k in keys}))
    typed = {}
    for key in keys:
        if key in last:
            value = (last[key] * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP)
            typed[key] = str(int(value))
    return typed
