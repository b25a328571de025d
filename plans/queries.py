"""Read paths of plans, scoped through units.access: which plans a user or unit sees, and
section V (duties, parties, task groups) read in a few set-based queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from plans.models import Duty, Plan, PlanStatement, ResponsibilityClause, Task, TaskGroup
from plans.responsibility import DutyRow, involvements, responsibility_matrix
from units.access import scope_roots, subtree_filter
from units.models import OrgUnit, UnitGroup
from units.tree import ancestor_paths, subtree_q, with_predecessors


def _paths_at_and_above(units) -> set[str]:
    return {p for u in units for p in ancestor_paths(u.path, include_self=True)}


def plans_for_unit(unit: OrgUnit) -> QuerySet[Plan]:
    """Plans that apply to `unit`: those of the unit, of a unit above it, or of a unit
    that became one of them (a district's plan still applies to its successor)."""
    above = OrgUnit.objects.filter(path__in=_paths_at_and_above([unit]))
    owners = [u.pk for u in with_predecessors(above)]
    return Plan.objects.filter(owner_id__in=owners).select_related("owner")


def plans_visible_to(user) -> QuerySet[Plan]:
    """Plans whose owner the user can see, and plans that apply to the units they can see
    (a commune reads the district plan it carries out)."""
    roots = scope_roots(user)
    plans = Plan.objects.select_related("owner")
    if roots is None:
        return plans.all()
    if not roots:
        return plans.none()
    above = Q(owner__path__in=_paths_at_and_above(roots))
    return plans.filter(subtree_filter(roots, prefix="owner__") | above)


def get_plan_or_404(user, code: str) -> Plan:
    plan = plans_visible_to(user).filter(code=code).first()
    if plan is None:
        raise Http404
    return plan


def plans_below(unit: OrgUnit) -> QuerySet[Plan]:
    """Plans owned inside the unit's subtree (for a dashboard of a unit above them)."""
    return Plan.objects.filter(subtree_q(unit.path, "owner__")).select_related("owner")


def plan_document(plan: Plan) -> dict:
    """Everything the plan page shows, prefetched: a fixed number of queries."""
    clauses = plan.clauses.select_related("unit", "group").prefetch_related(
        Prefetch("duties", queryset=Duty.objects.order_by("number")),
        Prefetch("duties__tasks", queryset=Task.objects.select_related("group")),
        "duties__named_units",
        "duties__named_groups",
        "duties__targets",
    )
    statements = list(plan.statements.all())
    return {
        "references": list(plan.references.all()),
        "statements": statements,
        "objective_groups": list(
            plan.objective_groups.prefetch_related("targets__indicator").all()
        ),
        "task_groups": list(plan.task_groups.prefetch_related("tasks")),
        "budget_sources": list(plan.budget_sources.all()),
        "clauses": list(clauses),
    }


def unit_key(unit: OrgUnit) -> str:
    return f"unit:{unit.code}"


def group_key(group: UnitGroup) -> str:
    return f"group:{group.code}"


@dataclass(frozen=True)
class Party:
    key: str
    code: str
    name: str
    is_group: bool


@dataclass
class Responsibilities:
    """Section V of one plan as plain rows, with the parties they name."""

    duties: list[DutyRow]
    clause_parties: list[str]
    parties: dict[str, Party]
    task_groups: list[TaskGroup]
    groups_of: dict[str, list[str]]


def responsibilities(plan: Plan) -> Responsibilities:
    """Duties, their named parties and task groups, in five queries whatever the plan's size."""
    clauses = list(ResponsibilityClause.objects.filter(plan=plan).select_related("unit", "group"))
    parties: dict[str, Party] = {}

    def add_unit(u: OrgUnit) -> str:
        key = unit_key(u)
        parties.setdefault(key, Party(key, u.code, u.display_name, False))
        return key

    def add_group(g: UnitGroup) -> str:
        key = group_key(g)
        parties.setdefault(key, Party(key, g.code, g.name, True))
        return key

    clause_party = {c.pk: add_unit(c.unit) if c.unit_id else add_group(c.group) for c in clauses}
    in_plan = {"duty__clause__plan": plan}
    named: dict[int, set[str]] = {}
    for link in Duty.named_units.through.objects.filter(**in_plan).select_related("orgunit"):
        named.setdefault(link.duty_id, set()).add(add_unit(link.orgunit))
    for link in Duty.named_groups.through.objects.filter(**in_plan).select_related("unitgroup"):
        named.setdefault(link.duty_id, set()).add(add_group(link.unitgroup))
    served: dict[int, set[str]] = {}
    for duty_id, number in Duty.tasks.through.objects.filter(**in_plan).values_list(
        "duty_id", "task__group__number"
    ):
        served.setdefault(duty_id, set()).add(number)
    duties = [
        DutyRow(
            duty_id=pk,
            party=clause_party[clause_id],
            role=role,
            named=frozenset(named.get(pk, ())),
            task_groups=frozenset(served.get(pk, ())),
        )
        for pk, clause_id, role in Duty.objects.filter(clause__plan=plan)
        .order_by("clause__order", "number")
        .values_list("pk", "clause_id", "role")
    ]
    group_codes = {p.code for p in parties.values() if p.is_group}
    groups_of: dict[str, list[str]] = {}
    for unit_code, group_code in UnitGroup.members.through.objects.filter(
        unitgroup__code__in=group_codes
    ).values_list("orgunit__code", "unitgroup__code"):
        groups_of.setdefault(f"unit:{unit_code}", []).append(f"group:{group_code}")
    return Responsibilities(
        duties=duties,
        clause_parties=[clause_party[c.pk] for c in clauses],
        parties=parties,
        task_groups=list(TaskGroup.objects.filter(plan=plan).order_by("order")),
        groups_of=groups_of,
    )


def matrix(plan: Plan):
    """The responsibility matrix of a plan and the parties its rows name."""
    resp = responsibilities(plan)
    columns = [g.number for g in resp.task_groups]
    return resp, responsibility_matrix(resp.clause_parties, resp.duties, columns)


def find_party(resp: Responsibilities, code: str) -> Party:
    """The body or group with this code, if the plan's section V names it; otherwise 404."""
    for key in (f"unit:{code}", f"group:{code}"):
        if key in resp.parties:
            return resp.parties[key]
    raise Http404


def body_page(plan: Plan, resp: Responsibilities, party: Party) -> dict:
    """A party's duties as lead and as partner, the plan's general duties, the targets served."""
    found = involvements(party.key, resp.duties, resp.groups_of)
    duties = {
        d.pk: d
        for d in Duty.objects.filter(pk__in=[i.duty_id for i in found])
        .select_related("clause__unit", "clause__group")
        .prefetch_related("tasks__group", "targets__indicator", "named_units", "named_groups")
    }
    rows = [(duties[i.duty_id], i) for i in found]
    targets = {t.pk: t for duty, _i in rows for t in duty.targets.all()}
    return {
        "as_lead": [(d, i) for d, i in rows if i.role == "lead"],
        "as_partner": [(d, i) for d, i in rows if i.role == "partner"],
        "via_groups": [resp.parties[g] for g in resp.groups_of.get(party.key, ())],
        "general_duties": list(
            PlanStatement.objects.filter(plan=plan, kind=PlanStatement.Kind.GENERAL_DUTY)
        ),
        "targets": sorted(targets.values(), key=lambda t: t.order),
    }
