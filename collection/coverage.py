"""The units a reporting round expects figures from, for the coverage of every figure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from core.access import subtree_filter
from units.models import OrgUnit

from .models import Submission


def expected_units(
    roots: Sequence[OrgUnit], year: int, element_ids: set[int]
) -> dict[int, dict[int, str]]:
    """{element id: {unit id: path}}: the units inside the roots that a round of `year` owes a
    form holding the element (whatever the form's state: a draft is a report still owed)."""
    if not roots or not element_ids:
        return {}
    rows = (
        Submission.objects.filter(
            subtree_filter(roots, "unit__"),
            round__period__year=year,
            data_set__members__element_id__in=list(element_ids),
        )
        .order_by()
        .values_list("data_set__members__element_id", "unit_id", "unit__path")
        .distinct()
    )
    result: dict[int, dict[int, str]] = defaultdict(dict)
    for element_id, unit_id, path in rows:
        result[element_id][unit_id] = path
    return dict(result)
