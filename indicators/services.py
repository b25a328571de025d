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


@transaction.atomic
def publish_values(values: Iterable[NewValue], *, source: str, actor=None) -> tuple[int, int]:
    """Idempotently store many values at once (imports, computed figures, demo data).

    Unchanged values are left alone; new and changed ones are written with history.
    Returns (created, updated).
    """
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    incoming = {(v.unit_id, v.period_id, v.element_id, v.sex, v.age_band): v for v in values}
    existing = {
        (r.unit_id, r.period_id, r.element_id, r.sex, r.age_band): r
        for r in DataValue.objects.filter(
            unit_id__in={k[0] for k in incoming},
            period_id__in={k[1] for k in incoming},
            element_id__in={k[2] for k in incoming},
        )
    }
    to_create, to_update = [], []
    for key, new in incoming.items():
        row = existing.get(key)
        if row is None:
            to_create.append(
                DataValue(
                    unit_id=new.unit_id, period_id=new.period_id, element_id=new.element_id,
                    sex=new.sex, age_band=new.age_band, value=new.value, source=source,
                    updated_by=actor,
                )
            )  # fmt: skip
        elif row.value != new.value or row.source != source:
            row.value, row.source, row.updated_by = new.value, source, actor
            row.updated_at = timezone.now()
            to_update.append(row)
    if to_create:
        bulk_create_with_history(to_create, DataValue, batch_size=2000, default_user=actor)
    if to_update:
        bulk_update_with_history(
            to_update, DataValue, ["value", "source", "updated_by", "updated_at"],
            batch_size=2000, default_user=actor,
        )  # fmt: skip
    if to_create or to_update:
        touched = to_create + to_update
        subtree_totals.recompute(
            unit_ids={r.unit_id for r in touched},
            period_ids={r.period_id for r in touched},
            element_ids={r.element_id for r in touched},
        )
    return len(to_create), len(to_update)
