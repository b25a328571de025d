"""The sums kept over each subtree always equal the sums of the values below."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.models import DataValue, SubtreeTotal
from indicators.services import NewValue, publish_values, record_value, remove_value
from indicators.subtree_totals import recompute
from units.models import OrgUnit


def kept_totals() -> dict[tuple, Decimal]:
    return {
        (t.unit_id, t.period_id, t.element_id, t.sex, t.age_band): t.total
        for t in SubtreeTotal.objects.all()
    }


def sums_from_values() -> dict[tuple, Decimal]:
    """What the totals must be: for every unit above a value, the sum of the values below it."""
    sums: dict[tuple, Decimal] = {}
    units = {u.pk: u for u in OrgUnit.objects.all()}
    for v in DataValue.objects.all():
        for unit in units.values():
            if v.unit.path.startswith(unit.path) and unit.pk != v.unit_id:
                key = (unit.pk, v.period_id, v.element_id, v.sex, v.age_band)
                sums[key] = sums.get(key, Decimal(0)) + v.value
    return sums


@pytest.mark.django_db
def test_the_factories_values_are_summed_over_every_subtree(world):
    assert kept_totals() == sums_from_values()
    province = world.tree.province
    persons = SubtreeTotal.objects.get(
        unit=province, period=world.ind.periods[2020], element=world.ind.persons, age_band="15-60"
    )
    assert persons.total == 1000 + 500 + 800


writes = st.lists(
    st.tuples(
        st.sampled_from(["commune_a1", "commune_a2", "commune_b1", "education", "district_a"]),
        st.sampled_from([2019, 2020]),
        st.one_of(st.integers(min_value=0, max_value=5000), st.none()),  # None: removed
    ),
    min_size=1,
    max_size=8,
)


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(writes=writes)
def test_any_sequence_of_writes_keeps_the_totals_equal_to_the_sums(world, writes):
    for unit_name, year, value in writes:
        where = {"unit": getattr(world.tree, unit_name), "period": world.ind.periods[year],
                 "element": world.ind.officials}  # fmt: skip
        if value is None:
            remove_value(**where, sources=["entered", "demo", "imported"])
        else:
            record_value(**where, value=Decimal(value), source="entered")
    assert kept_totals() == sums_from_values()


@pytest.mark.django_db
def test_a_bulk_publish_recomputes_the_totals_above_what_it_touched(world):
    ind, tree = world.ind, world.tree
    publish_values(
        [
            NewValue(tree.commune_a1.pk, ind.periods[2020].pk, ind.officials.pk, Decimal(40)),
            NewValue(tree.commune_b1.pk, ind.periods[2020].pk, ind.officials.pk, Decimal(9)),
            NewValue(tree.education.pk, ind.periods[2020].pk, ind.officials.pk, Decimal(21)),
        ],
        source="imported",
    )
    assert kept_totals() == sums_from_values()


@pytest.mark.django_db
def test_a_full_recompute_rebuilds_lost_totals(world):
    expected = kept_totals()
    SubtreeTotal.objects.all().delete()
    call_command("rebuild_subtree_totals", verbosity=0)
    assert kept_totals() == expected
    assert recompute(unit_ids=[world.tree.commune_a1.pk]) > 0
    assert kept_totals() == expected


@pytest.mark.django_db
def test_a_removed_value_leaves_no_total_where_nothing_is_left_beneath(world):
    ind, tree = world.ind, world.tree
    where = {"unit": tree.commune_b1, "period": ind.periods[2020], "element": ind.officials_it}
    record_value(**where, value=Decimal(3), source="entered")
    above = SubtreeTotal.objects.filter(period=ind.periods[2020], element=ind.officials_it,
                                        unit=tree.district_b)  # fmt: skip
    assert above.get().total == 3
    assert not remove_value(**where, sources=["imported"])  # another source's value is kept
    assert remove_value(**where, sources=["entered"])
    assert not above.exists()
    assert kept_totals() == sums_from_values()
