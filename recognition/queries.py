"""What a user may read of the recognition procedure: applications in scope, a unit's
recognitions, and the calendar of what is due and late."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from units.access import scope_roots, subtree_filter
from units.models import OrgUnit
from units.tree import with_predecessors

from . import calendar, criteria, services
from .models import Application, Decision, Model


def applications_visible_to(user) -> QuerySet[Application]:
    """Applications whose applicant or deciding office lies in the user's view scope."""
    apps = Application.objects.select_related("unit", "office", "criteria_set")
    roots = scope_roots(user)
    if roots is None:
        return apps.all()
    if not roots:
        return apps.none()
    return apps.filter(subtree_filter(roots, "unit__") | subtree_filter(roots, "office__"))


def get_application_or_404(user, pk: int, action: str = "view") -> Application:
    """The application if `user` may take `action` on it now; otherwise 404, never 403."""
    app = applications_visible_to(user).filter(pk=pk).first()
    if app is None or not services.may(user, action, app):
        raise Http404
    return app


def unit_recognitions(unit: OrgUnit) -> QuerySet[Decision]:
    """The decisions on the unit and on the units it came from, newest first."""
    units = with_predecessors([unit])
    return (
        Decision.objects.filter(application__unit__in=units)
        .select_related("application__unit", "application__criteria_set")
        .order_by("-signed_on", "-pk")
    )


@dataclass(frozen=True)
class DueItem:
    """A row of the calendar: a step of an application (or a registration not yet made, when
    `application` is None), its date and its state (done, due, late)."""

    application: Application | None
    unit: OrgUnit
    model: str
    year: int
    step: str
    label: str
    date: datetime.date
    state: str


def due_items(user, today: datetime.date) -> list[DueItem]:
    """The deadlines of every application in the user's scope (withdrawn ones aside), and the
    registrations the user's own units have not made for the year under way."""
    rows: list[DueItem] = []
    apps = applications_visible_to(user).exclude(status=Application.Status.WITHDRAWN)
    for app in apps:
        set_def = criteria.definition(app.criteria_set)
        reached = calendar.steps_reached(app.status)
        for step in calendar.steps(set_def, app.year, today, reached):
            rows.append(DueItem(app, app.unit, app.model, app.year, step.step, step.label,
                                step.date, step.state))  # fmt: skip
    rows += _registrations_due(user, today)
    return sorted(rows, key=lambda r: (r.date, r.unit.path, r.step))


def _registrations_due(user, today: datetime.date) -> list[DueItem]:
    """For the user's own units (the roots of their data-entry scope), a reminder to register
    under each model whose set for this year has a register deadline and takes applicants of
    the unit's level, while the unit has no application for it."""
    roots = scope_roots(user, "enter_data")
    if not roots:  # None (a superuser) has no units of their own to register
        return []
    year = today.year
    sets = {}
    for model in Model.values:
        criteria_set = criteria.current(model, year)
        if criteria_set is not None:
            set_def = criteria.definition(criteria_set)
            if any(d.step == "register" for d in set_def.deadlines):
                sets[model] = set_def
    if not sets:
        return []
    registered = set(
        Application.objects.filter(unit__in=roots, year=year).values_list("unit_id", "model")
    )
    rows = []
    for unit in roots:
        if not unit.is_valid_on(today):
            continue
        level = services.applicant_level(unit)
        for model, set_def in sets.items():
            if (unit.pk, model) in registered:
                continue
            if not any(d.applicant_level == level for d in set_def.deciders):
                continue
            step = next(s for s in calendar.steps(set_def, year, today) if s.step == "register")
            rows.append(DueItem(None, unit, model, year, step.step, step.label, step.date,
                                step.state))  # fmt: skip
    return rows
