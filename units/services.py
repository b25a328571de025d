"""Reorganisation of the map: merge, split, rename, close. The only write paths that change the
tree after it is loaded; the admin, `manage.py reorganise_units` and scripts all call them.

A unit never moves and its values stay where they were collected: a change of the map ends
the old units the day before `on` and adds new units from `on`, linked by successions that
cite the legal act. New units are leaves with no values, so every pre-computed subtree total
of the value store stays exact. Each call is atomic and audited (django-simple-history,
with the legal act as the change reason and `actor` as the user).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from units.codes import CodeClash, check_free
from units.models import OrgUnit, UnitLevel, UnitSuccession
from units.tree import subtree_q, valid_on

__all__ = ["NewUnit", "ReorganisationError", "close", "merge", "rename", "split"]

DAY = datetime.timedelta(days=1)


class ReorganisationError(ValueError):
    """A reorganisation that cannot be made; the message says why, in the user's language."""


@dataclass(frozen=True)
class NewUnit:
    """A unit a reorganisation creates. Level, kind and parent default to the old unit's."""

    code: str
    name: str
    short_name: str = ""
    level: UnitLevel | None = None
    parent: OrgUnit | None = None


def merge(
    units: Sequence[OrgUnit], into: NewUnit, *, on: datetime.date, legal_act: str, actor=None
) -> OrgUnit:
    """`units` end the day before `on`; `into` starts on `on`, each of them its predecessor."""
    if len(units) < 2:
        raise ReorganisationError(_("A merge needs at least two units."))
    with transaction.atomic():
        olds = _end(units, on, legal_act, actor)
        new = _create(into, olds[0], on, legal_act, actor, parents={_parent_path(u) for u in olds})
        _link(olds, [new], UnitSuccession.Kind.MERGED, on, legal_act, actor)
    return new


def split(
    unit: OrgUnit, into: Sequence[NewUnit], *, on: datetime.date, legal_act: str, actor=None
) -> list[OrgUnit]:
    """`unit` ends the day before `on`; every unit of `into` starts on `on` as its successor.
    Nothing is apportioned: the old unit's values stay its own."""
    if len(into) < 2:
        raise ReorganisationError(_("A split needs at least two new units."))
    with transaction.atomic():
        (old,) = _end([unit], on, legal_act, actor)
        news = [_create(n, old, on, legal_act, actor) for n in into]
        _link([old], news, UnitSuccession.Kind.SPLIT, on, legal_act, actor)
    return news


def rename(
    unit: OrgUnit, into: NewUnit, *, on: datetime.date, legal_act: str, actor=None
) -> OrgUnit:
    """A new name, code or level from `on`: a new unit, the old one its predecessor."""
    with transaction.atomic():
        (old,) = _end([unit], on, legal_act, actor)
        new = _create(into, old, on, legal_act, actor)
        _link([old], [new], UnitSuccession.Kind.RENAMED, on, legal_act, actor)
    return new


def close(unit: OrgUnit, *, on: datetime.date, legal_act: str, actor=None) -> OrgUnit:
    """`unit` ends the day before `on`, with no successor."""
    with transaction.atomic():
        (old,) = _end([unit], on, legal_act, actor)
    return old


def _end(units: Sequence[OrgUnit], on, legal_act: str, actor) -> list[OrgUnit]:
    """Lock, check and end the units on the eve of `on`."""
    if not legal_act.strip():
        raise ReorganisationError(_("Name the legal act that makes this change."))
    eve = on - DAY
    ids = [u.pk for u in units]
    olds = list(OrgUnit.objects.select_for_update().filter(pk__in=ids).order_by("path"))
    if len(olds) != len(set(ids)):
        raise ReorganisationError(_("A unit was named twice or no longer exists."))
    for old in olds:
        if not old.is_valid_on(eve):
            msg = _("%(name)s does not exist on %(day)s, the day before the change.")
            raise ReorganisationError(msg % {"name": old.name, "day": eve.strftime("%d/%m/%Y")})
        inside = OrgUnit.objects.filter(subtree_q(old.path), valid_on(on)).exclude(pk=old.pk)
        if inside.exists():
            msg = _(
                "%(name)s still has %(n)d unit(s) or bodies under it after %(day)s; "
                "reorganise or close them first."
            )
            day = eve.strftime("%d/%m/%Y")
            raise ReorganisationError(msg % {"name": old.name, "n": inside.count(), "day": day})
        old.valid_to = eve
        _audit(old, legal_act, actor)
        old.save(update_fields=["valid_to"])
    return olds


def _parent_path(unit: OrgUnit) -> str:
    return unit.path[: -OrgUnit.steplen]


def _create(spec: NewUnit, like: OrgUnit, on, legal_act: str, actor, parents=None) -> OrgUnit:
    if spec.parent is None and parents is not None and len(parents) > 1:
        raise ReorganisationError(_("The units have different parents: name the new unit's."))
    parent = spec.parent or OrgUnit.objects.get_parent(like)
    if parent is not None:
        # Two changes adding children under one parent at once would compute the same path,
        # and two giving one code would both find it free: the second waits here, then
        # finds the code taken (below) and the parent's new child count (add_child).
        parent = OrgUnit.objects.select_for_update().get(pk=parent.pk)
    if parent is not None and not parent.is_valid_on(on):
        msg = _("%(name)s, the new unit's parent, does not exist on %(day)s.")
        raise ReorganisationError(msg % {"name": parent.name, "day": on.strftime("%d/%m/%Y")})
    code = spec.code.strip()
    if not code or not spec.name.strip():
        raise ReorganisationError(_("A new unit needs a code and a name."))
    try:
        check_free(code, on, None)
    except CodeClash as exc:
        raise ReorganisationError(str(exc)) from exc
    fields = {
        "code": code,
        "name": spec.name.strip(),
        "short_name": spec.short_name.strip(),
        "level": spec.level or like.level,
        "kind": like.kind,
        "valid_from": on,
        "official_code_source": legal_act,
    }
    unit = OrgUnit(**fields)
    _audit(unit, legal_act, actor)
    try:
        with transaction.atomic():
            if parent is None:
                return OrgUnit.objects.add_root(instance=unit)
            return OrgUnit.objects.add_child(parent, instance=unit)
    except IntegrityError as exc:
        # A change made at the same moment took the code (or, for a new root, the path):
        # say so rather than fail; nothing of this reorganisation is kept.
        msg = _("Another change has just created a unit with code %(code)s; reload and try again.")
        raise ReorganisationError(msg % {"code": code}) from exc


def _link(olds, news, kind: str, on, legal_act: str, actor) -> None:
    for old in olds:
        for new in news:
            link = UnitSuccession(
                predecessor=old, successor=new, kind=kind, effective_on=on, legal_act=legal_act
            )
            _audit(link, legal_act, actor)
            link.save()


def _audit(obj, reason: str, actor) -> None:
    obj._change_reason = reason
    if actor is not None:
        obj._history_user = actor
