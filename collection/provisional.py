"""Figures of submitted forms that the office has not approved yet, for provisional figures."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from indicators.models import DataValue
from indicators.provisional import PendingValue, Source
from units.access import subtree_filter
from units.models import OrgUnit

from .models import DataSetElement, Entry, Submission

_ENTRY_FIELDS = (
    "submission__unit_id", "submission__unit__path", "submission__round__period_id",
    "submission__round__period__year", "element_id", "sex", "age_band", "value",
)  # fmt: skip


def pending_values(
    roots: Sequence[OrgUnit], years: Sequence[int], element_ids: set[int]
) -> list[PendingValue]:
    """Each figure of a submitted form inside the roots, as its change from the value the
    store holds: a first figure is its own change; a figure cleared takes the stored one
    away (the sum then reads 0 where nothing else is left, not "no data": totals keep no
    count of the values beneath them). Drafts and returned forms are the unit's work in
    progress, not figures."""
    submitted = _submitted(roots, years)
    entries = list(
        Entry.objects.filter(
            submission__in=submitted, element_id__in=list(element_ids)
        ).values_list(*_ENTRY_FIELDS)
    )
    if not entries:
        return []
    # The stored values of those units, found through the same submissions (a subquery, not
    # a list of thousands of unit ids).
    stored = {
        row[:5]: row[5:]
        for row in DataValue.objects.filter(
            unit_id__in=submitted.values("unit_id"),
            period_id__in={e[2] for e in entries},
            element_id__in={e[4] for e in entries},
        ).values_list("unit_id", "period_id", "element_id", "sex", "age_band", "value", "source")
    }
    pending = []
    for unit_id, path, period_id, year, element_id, sex, age_band, value in entries:
        approved, source = stored.get((unit_id, period_id, element_id, sex, age_band), (None, ""))
        if value is None:
            # As approval will: a cleared figure takes away only a value a form entered.
            if approved is None or source != DataValue.Source.ENTERED:
                continue
            value = Decimal(0)
        delta = value - (approved or Decimal(0))
        pending.append(PendingValue(unit_id, path, element_id, sex, age_band, year, delta))
    return pending


def forms_awaiting(roots: Sequence[OrgUnit], year: int, element_ids: set[int]) -> int:
    """Submitted forms of `year` inside the roots whose data set carries any of the elements.

    Counted through the data sets (a few rows), not the entries (nine or more a form): every
    dashboard asks, and the nation has 10,600 forms a round.
    """
    carrying = DataSetElement.objects.filter(element_id__in=list(element_ids))
    return _submitted(roots, [year]).filter(data_set_id__in=carrying.values("data_set_id")).count()


def _submitted(roots: Sequence[OrgUnit], years: Sequence[int]):
    return Submission.objects.filter(
        subtree_filter(roots, "unit__"),
        status=Submission.Status.SUBMITTED,
        round__period__year__in=list(years),
    )


SOURCE = Source(values=pending_values, forms=forms_awaiting)
