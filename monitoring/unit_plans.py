"""Every plan that applies to a unit, in the order its dashboard lists them, with their
targets read in one query and evaluated in one pass (one set of sums for all plans)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from plans.models import Plan, Target

from .queries import Evaluated


@dataclass(frozen=True)
class PlanRows:
    """One plan of a unit's dashboard and its targets' rows (in the plan's order)."""

    plan: Plan
    rows: list[Evaluated]

    @property
    def current(self) -> bool:
        """Whether the plan's period holds the year the rows were evaluated for."""
        return bool(self.rows) and self.plan.start_year <= self.rows[0].year <= self.plan.end_year


def in_cycle(plan: Plan, year: int) -> bool:
    return plan.start_year <= year <= plan.end_year


def order_plans(plans: Sequence[Plan], year: int) -> list[Plan]:
    """The plans whose period holds `year` first, the nearest issuer first (a commune's own
    plan, then its city's, then the nation's); then the others, the latest ending first.
    Owners are select_related by plans_for_unit."""

    def key(plan: Plan) -> tuple:
        if in_cycle(plan, year):
            return (0, -plan.owner.depth, -plan.start_year, plan.code)
        return (1, -plan.end_year, -plan.owner.depth, plan.code)

    return sorted(plans, key=key)


def targets_by_plan(plans: Sequence[Plan]) -> dict[int, list[Target]]:
    """Each plan's targets in its order, with what evaluating and grouping them reads (as
    queries.plan_targets, for all the plans in two queries)."""
    found: dict[int, list[Target]] = {plan.pk: [] for plan in plans}
    targets = (
        Target.objects.filter(plan__in=[plan.pk for plan in plans])
        .select_related("indicator", "group")
        .prefetch_related("milestones")
        .order_by("plan", "order")
    )
    for target in targets:
        found[target.plan_id].append(target)
    return found


def rows_by_plan(plans: Sequence[Plan], rows: Sequence[Evaluated]) -> list[PlanRows]:
    """The evaluated rows of all plans split back into one PlanRows per plan, in `plans`'
    order; a plan without targets (a header-only node of the tree) has no rows."""
    by_plan: dict[int, list[Evaluated]] = defaultdict(list)
    for row in rows:
        by_plan[row.target.plan_id].append(row)
    return [PlanRows(plan, by_plan.get(plan.pk, [])) for plan in plans]
