"""A target's chain across levels: the targets above it that it localises, and those below
that localise it, each with its milestone and, inside the user's scope, its status."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from plans.models import Plan, Target, TargetMilestone, milestone_in_force
from plans.queries import plans_visible_to
from units.access import can
from units.maps import Map

from .queries import Evaluated, evaluate_targets

# Plans form a short tree (nation, province, commune): a chain deeper than this is a loop in
# the data, not a plan tree, and is cut rather than followed for ever.
MAX_DEPTH = 8


@dataclass(frozen=True)
class Link:
    """One target of the chain. `depth` is 0 for the target asked for, negative above it,
    positive below. Outside the user's scope `evaluated` is None: no figure leaks."""

    target: Target
    depth: int
    milestone: TargetMilestone | None
    in_scope: bool
    evaluated: Evaluated | None = None

    @property
    def plan(self) -> Plan:
        return self.target.plan

    @property
    def is_current(self) -> bool:
        return self.depth == 0


def _targets() -> QuerySet[Target]:
    return Target.objects.select_related("plan__owner__level", "indicator", "group")


def _ancestors(target: Target) -> list[Target]:
    """The targets above `target`, nearest first (one query each: the chain is short)."""
    found, seen, parent_id = [], {target.pk}, target.parent_target_id
    while parent_id is not None and parent_id not in seen and len(found) < MAX_DEPTH:
        parent = _targets().prefetch_related("milestones").get(pk=parent_id)
        found.append(parent)
        seen.add(parent.pk)
        parent_id = parent.parent_target_id
    return found


def _descendants(target: Target, user) -> list[tuple[int, Target]]:
    """(depth, target) of the targets below `target` in plans the user may see, level by
    level (one query per level), each level in plan and target order."""
    visible = plans_visible_to(user).values("pk")
    found: list[tuple[int, Target]] = []
    seen, frontier = {target.pk}, [target.pk]
    depth = 0
    while frontier and depth < MAX_DEPTH:
        depth += 1
        level = list(
            _targets()
            .prefetch_related("milestones")
            .filter(parent_target_id__in=frontier, plan__in=visible)
            .exclude(pk__in=seen)
            .order_by("plan__start_year", "plan__code", "order")
        )
        found += [(depth, t) for t in level]
        seen.update(t.pk for t in level)
        frontier = [t.pk for t in level]
    return found


def target_chain(target: Target, user, year: int, map: Map = Map.AS_WAS) -> list[Link]:
    """The chain `target` belongs to, from the top down: the national target, the city's
    localisation, the unit's own, then the targets below that localise it in plans the user
    may see. Each target is evaluated for `year` on the unit that issued its plan, only when
    the user may see that unit; outside the scope only the wording and milestone show."""
    target = _targets().prefetch_related("milestones").get(pk=target.pk)
    placed = [(-i, t) for i, t in enumerate(_ancestors(target), start=1)][::-1]
    placed += [(0, target)] + _descendants(target, user)
    in_scope = {t.pk: can(user, "view", t.plan.owner) for _d, t in placed}
    # One evaluation per issuing unit: the targets of one plan share their sums.
    by_owner: dict[int, list[Target]] = defaultdict(list)
    for _d, t in placed:
        if in_scope[t.pk]:
            by_owner[t.plan.owner_id].append(t)
    evaluated: dict[int, Evaluated] = {}
    for targets in by_owner.values():
        for row in evaluate_targets(targets, targets[0].plan.owner, year, map=map):
            evaluated[row.target.pk] = row
    return [
        Link(
            target=t,
            depth=depth,
            milestone=milestone_in_force(t.milestones.all(), year),
            in_scope=in_scope[t.pk],
            evaluated=evaluated.get(t.pk),
        )
        for depth, t in placed
    ]
