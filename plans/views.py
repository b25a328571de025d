"""Plan pages: the list, the plan's text, one body's duties and the responsibility matrix.
A plan is visible to users who can see its owner or a unit it applies to; otherwise 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from plans import queries
from plans.models import LegalReference, PlanStatement
from units.access import can


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(queries.plans_visible_to(request.user).order_by("-issued_on", "number"))
    if request.GET.get("show") == "matrix" and len(plans) == 1:
        return redirect("responsibility_matrix", code=plans[0].code)
    rows = [(p, can(request.user, "view", p.owner)) for p in plans]
    return render(request, "plans/plan_list.html", {"rows": rows, "plans": plans})


@login_required
def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    plan = queries.get_plan_or_404(request.user, code)
    doc = queries.plan_document(plan)
    by_kind: dict[str, list[PlanStatement]] = {}
    for statement in doc["statements"]:
        by_kind.setdefault(statement.kind, []).append(statement)
    aims = by_kind.get(PlanStatement.Kind.AIM, [])
    for group in doc["objective_groups"]:
        group.aims = [a for a in aims if a.section == f"II.{group.number}"]
    grouped = {a.pk for g in doc["objective_groups"] for a in g.aims}
    implements = LegalReference.Relation.IMPLEMENTS
    context = doc | {
        "plan": plan,
        "bases": [r for r in doc["references"] if r.relation != implements],
        "implements": [r for r in doc["references"] if r.relation == implements],
        "purposes": by_kind.get(PlanStatement.Kind.PURPOSE, []),
        "requirements": by_kind.get(PlanStatement.Kind.REQUIREMENT, []),
        "other_aims": [a for a in aims if a.pk not in grouped],
        "general_duties": by_kind.get(PlanStatement.Kind.GENERAL_DUTY, []),
        "closing": by_kind.get(PlanStatement.Kind.CLOSING, []),
    }
    return render(request, "plans/plan_detail.html", context)


@login_required
def body_detail(request: HttpRequest, code: str, party: str) -> HttpResponse:
    plan = queries.get_plan_or_404(request.user, code)
    resp = queries.responsibilities(plan)
    found = queries.find_party(resp, party)
    context = {"plan": plan, "party": found} | queries.body_page(plan, resp, found)
    return render(request, "plans/body_detail.html", context)


@login_required
def responsibility_matrix(request: HttpRequest, code: str) -> HttpResponse:
    plan = queries.get_plan_or_404(request.user, code)
    resp, matrix = queries.matrix(plan)
    rows = [
        (resp.parties[key], [matrix.cell(key, col) for col in matrix.columns])
        for key in matrix.rows
    ]
    context = {"plan": plan, "task_groups": resp.task_groups, "rows": rows}
    return render(request, "plans/matrix.html", context)
