"""Who may see and do what: every page, API route and export asks here, nowhere else.

A membership gives a role over the subtree of one unit. A user of a successor unit
(đặc khu Cát Hải, from 2025) also reaches its predecessors' subtrees (huyện Cát Hải
and its communes), so history stays reachable after the map changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from units.codes import nearest, resolve
from units.models import Membership, OrgUnit, UnitCodeAlias
from units.tree import subtree_q, with_predecessors

Role = Membership.Role

# What each role may do inside its scope. The system administrator (superuser) may do all.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.DISTRICT_ADMIN: frozenset({"view", "enter_data", "approve", "administer"}),
    Role.UNIT_REPORTER: frozenset({"view", "enter_data"}),
    Role.COMMUNE_REPORTER: frozenset({"view", "enter_data"}),
    Role.VIEWER: frozenset({"view"}),
}


def scope_roots(user, action: str = "view") -> list[OrgUnit] | None:
    """The roots of the subtrees where `user` may do `action`; None means everywhere."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cache = getattr(user, "_xhht_scope_roots", None)
    if cache is None:
        cache = {}
        user._xhht_scope_roots = cache
    if action not in cache:
        roles = [role for role, actions in ROLE_ACTIONS.items() if action in actions]
        units = [
            m.unit
            for m in Membership.objects.filter(user=user, role__in=roles).select_related(
                "unit__level"
            )
        ]
        cache[action] = with_predecessors(units)
    return cache[action]


def subtree_filter(roots: Iterable[OrgUnit], prefix: str = "") -> Q:
    """A Q matching units (or rows with a unit FK, through `prefix`) inside the roots' subtrees."""
    q = Q(pk__in=[])
    for root in roots:
        q |= subtree_q(root.path, prefix)
    return q


def units_visible_to(user, action: str = "view") -> QuerySet[OrgUnit]:
    roots = scope_roots(user, action)
    if roots is None:
        return OrgUnit.objects.all()
    return OrgUnit.objects.filter(subtree_filter(roots))


def can(user, action: str, unit: OrgUnit) -> bool:
    roots = scope_roots(user, action)
    if roots is None:
        return user.is_authenticated
    return any(unit.path.startswith(root.path) for root in roots)


def get_unit_or_404(user, code: str, action: str = "view", *, on=None) -> OrgUnit:
    """The unit holding this code on `on` (today by default; a page of a past year passes
    that year's end: units/codes.py) if `user` may do `action` there; otherwise 404, never
    403, so that a user cannot even learn which units exist outside their scope.

    A bare code held by several units over time names, among those the user may act on,
    the one nearest the day: thị trấn Cát Bà's reporter reaches Cát Bà by 11914 although
    đặc khu Cát Hải holds 11914 today. A former code (an alias) counts among them: with the
    national map loaded, the demo's former codes are real codes of other provinces' communes,
    and still reach Cát Hải's units for Cát Hải's users. `CODE@YYYY-MM-DD` names one unit
    outright."""
    unit = resolve(code, on)
    if unit is not None and can(user, action, unit):
        return unit
    if unit is not None and "@" not in code:
        others = OrgUnit.objects.filter(code=code).exclude(pk=unit.pk).select_related("level")
        allowed = [u for u in others if can(user, action, u)]
        if allowed:
            return nearest(allowed, on or timezone.localdate())
        aliased = [
            a.unit
            for a in UnitCodeAlias.objects.filter(code=code).select_related("unit__level")
            if a.unit_id != unit.pk and can(user, action, a.unit)
        ]
        if aliased:
            return nearest(aliased, on or timezone.localdate())
    raise Http404


def home_unit(user) -> OrgUnit | None:
    """The unit a user lands on: the highest unit of their scope (a current one first)."""
    roots = scope_roots(user)
    if roots is None:
        return OrgUnit.objects.get_root_nodes().first()
    if not roots:
        return None
    return min(roots, key=lambda u: (u.valid_to is not None, u.depth, u.path))


def crumbs(user, unit: OrgUnit) -> list[OrgUnit]:
    """The unit's ancestors the user may see, then the unit: the way back up the tree."""
    return [a for a in OrgUnit.objects.get_ancestors(unit) if can(user, "view", a)] + [unit]
