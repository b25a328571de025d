"""The units a reporting round expects figures from, for the coverage of every figure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from units.access import subtree_filter
from units.models import OrgUnit

from .models import Submission


def expected_units(
    roots: Sequence[OrgUnit], year: int, element_ids: set[int]
) -> dict[int, dict[int, tuple[str, bool]]]:
    """{element id: {unit id: (path, approved)}}: the units inside the roots that a round of
    `year` owes a form holding the element (whatever the form's state: a draft is a report
    still owed), and whether such a form of theirs is approved (it has then reported the
    element, even left blank: an optional figure the unit did not have)."""
    if not roots or not element_ids:
        return {}
    rows = (
        Submission.objects.filter(
            subtree_filter(roots, "unit__"),
            round__period__year=year,
            data_set__members__element_id__in=list(element_ids),
        )
        .order_by()
        .values_list("data_set__members__element_id", "unit_id", "unit__path", "status")
        .distinct()
    )
    result: dict[int, dict[int, tuple[str, bool]]] = defaultdict(dict)
    for element_id, unit_id, path, status in rows:
        approved = result[element_id].get(unit_id, ("", False))[1]
        result[element_id][unit_id] = (path, approved or status == Submission.Status.APPROVED)
    return dict(result)
