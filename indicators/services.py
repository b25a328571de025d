"""Write paths of the value store: every form, import, module and script goes through here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import subtree_totals
from .models import DataElement, DataValue, Period


class ValueRefused(Exception):
    """A value the store refuses; the message is for the user."""


@dataclass(frozen=True)
class NewValue:
    unit_id: int
    period_id: int
    element_id: int
    value: Decimal
    sex: str = ""
    age_band: str = ""
    comment: str = ""
    origin: str = ""  # where it came from, as people read it (kept in the history)

    @property
    def key(self) -> tuple:
        return (self.unit_id, self.period_id, self.element_id, self.sex, self.age_band)


@dataclass(frozen=True)
class Written:
    """What a bulk write did: values created, changed and removed."""

    created: int = 0
    updated: int = 0
    removed: int = 0


def _check(element: DataElement, value: Decimal) -> None:
    if value < 0:
        raise ValueRefused(_("“%(element)s” cannot be negative.") % {"element": element.name})
    if element.value_type == DataElement.ValueType.COUNT and value != value.to_integral_value():
        raise ValueRefused(_("“%(element)s” must be a whole number.") % {"element": element.name})


@transaction.atomic
def record_value(
    *,
    unit,
    period: Period,
    element: DataElement,
    value: Decimal,
    source: str,
    actor=None,
    sex: str = "",
    age_band: str = "",
    comment: str = "",
) -> DataValue:
    """Create or change one value; its history row records who changed it and from what."""
    _check(element, value)
    row, created = (
        DataValue.objects.select_for_update()
        .select_related("unit")
        .get_or_create(
            unit=unit,
            period=period,
            element=element,
            sex=sex,
            age_band=age_band,
            defaults={"value": value, "source": source, "updated_by": actor, "comment": comment},
        )
    )
    if created:
        subtree_totals.add_to_ancestors(row, value, new=True)
    elif row.value != value or row.source != source or row.comment != comment:
        delta = value - row.value
        row.value, row.source, row.updated_by, row.comment = value, source, actor, comment
        row._change_reason = comment
        row.save()
        subtree_totals.add_to_ancestors(row, delta)
    return row


@transaction.atomic
def remove_value(
    *,
    unit,
    period: Period,
    element: DataElement,
    sources: Iterable[str],
    actor=None,
    sex: str = "",
    age_band: str = "",
    comment: str = "",
) -> bool:
    """Delete one value if it came from one of `sources`; its history keeps the last value,
    who removed it and why. Returns whether a value was removed."""
    key = {"unit": unit, "period": period, "element": element, "sex": sex, "age_band": age_band}
    row = DataValue.objects.select_for_update().filter(**key, source__in=list(sources)).first()
    if row is None:
        return False
    row._history_user = actor
    row._change_reason = comment
    row.delete()
    # Recomputed rather than decremented: a total with nothing left beneath it must go,
    # or the unit above would show 0 instead of "no data".
    subtree_totals.recompute(unit_ids={unit.pk}, period_ids={period.pk}, element_ids={element.pk})
    return True


def validate(values: Iterable[NewValue]) -> None:
    """Refuse the whole batch, before anything is written, if any value breaks its element's
    rules; the message names every element refused."""
    values = list(values)
    elements = DataElement.objects.in_bulk({v.element_id for v in values})
    refused = []
    for new in values:
        try:
            _check(elements[new.element_id], new.value)
        except ValueRefused as error:
            refused.append(str(error))
    if refused:
        raise ValueRefused(" ".join(dict.fromkeys(refused)))


@transaction.atomic
def publish_values(
    values: Iterable[NewValue], *, source: str, actor=None, rule_set: str = "", reason: str = ""
) -> tuple[int, int]:
    """Idempotently store many values at once (imports, computed figures, demo data).

    Unchanged values are left alone; new and changed ones are written with history, each
    recording `rule_set` (the rules that computed it) and `reason`. Returns (created, updated).
    """
    written = write_values(values, source=source, actor=actor, rule_set=rule_set, reason=reason)
    return written.created, written.updated


@transaction.atomic
def write_values(
    values: Iterable[NewValue],
    *,
    source: str,
    actor=None,
    remove: Iterable[tuple] = (),
    removable: Iterable[str] = (),
    rule_set: str = "",
    reason: str = "",
) -> Written:
    """Validate, then store many values in one bulk write with their history rows, and keep
    the subtree totals exact; a form's approval, imports and computed figures come here.

    `remove` holds keys (unit, period, element, sex, age band) of values to delete if their
    source is one of `removable` (a figure cleared on a form takes away what a form put).
    """
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    incoming = {v.key: v for v in values}
    validate(incoming.values())
    removals = {tuple(k) for k in remove} - set(incoming)
    keys = set(incoming) | removals
    if not keys:
        return Written()
    subtree_totals.hold_units_and_ancestors({k[0] for k in keys})
    existing = {
        (r.unit_id, r.period_id, r.element_id, r.sex, r.age_band): r
        for r in DataValue.objects.select_for_update().filter(
            unit_id__in={k[0] for k in keys},
            period_id__in={k[1] for k in keys},
            element_id__in={k[2] for k in keys},
        )
    }
    now = timezone.now()
    to_create, to_update = _diff(incoming, existing, source, rule_set, actor, now)
    history = {"default_user": actor, "default_change_reason": reason, "default_date": now}
    if to_create:
        bulk_create_with_history(to_create, DataValue, batch_size=2000, **history)
    if to_update:
        fields = ["value", "source", "comment", "origin", "rule_set", "updated_by", "updated_at"]
        bulk_update_with_history(to_update, DataValue, fields, batch_size=2000, **history)
    removed = _remove(
        [existing[k] for k in removals if k in existing and existing[k].source in set(removable)],
        actor,
        reason,
    )
    touched = to_create + to_update + removed
    if touched:
        subtree_totals.recompute(
            unit_ids={r.unit_id for r in touched},
            period_ids={r.period_id for r in touched},
            element_ids={r.element_id for r in touched},
        )
    return Written(len(to_create), len(to_update), len(removed))


def _diff(incoming: dict, existing: dict, source: str, rule_set: str, actor, now):
    """The rows to create and the rows to change (in memory) for the incoming values;
    a value equal in every recorded field is left alone."""
    to_create, to_update = [], []
    for key, new in incoming.items():
        row = existing.get(key)
        if row is None:
            to_create.append(
                DataValue(
                    unit_id=new.unit_id, period_id=new.period_id, element_id=new.element_id,
                    sex=new.sex, age_band=new.age_band, value=new.value, source=source,
                    comment=new.comment, origin=new.origin, rule_set=rule_set, updated_by=actor,
                )
            )  # fmt: skip
        elif (row.value, row.source, row.comment, row.origin, row.rule_set) != (
            new.value, source, new.comment, new.origin, rule_set
        ):  # fmt: skip
            row.value, row.source, row.comment = new.value, source, new.comment
            row.origin, row.rule_set, row.updated_by, row.updated_at = (
                new.origin, rule_set, actor, now
            )  # fmt: skip
            to_update.append(row)
    return to_create, to_update


def _remove(rows: list[DataValue], actor, reason: str) -> list[DataValue]:
    # One by one, so that each history row names who removed the value and why (a figure
    # cleared after a reopen is rare); the totals are recomputed once by the caller.
    for row in rows:
        row._history_user = actor
        row._change_reason = reason
        row.delete()
    return rows
