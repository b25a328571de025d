"""Target evaluation by the map of the figure's year (as it was) or by today's (as it is)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from monitoring.queries import breakdown, evaluate_target
from units.maps import Map
from units.testing import add_special_zone
from units.tests.test_maps import split_b1

D = Decimal


@pytest.mark.django_db
def test_by_todays_map_the_zone_shows_its_predecessors_2020_figures_as_its_own(world):
    zone = add_special_zone(world.tree)
    old = evaluate_target(world.plan.literacy, world.tree.district_a, 2020, Map.AS_WAS)
    new = evaluate_target(world.plan.literacy, zone, 2020, Map.AS_IS)
    assert (new.num, new.den, new.value, new.status) == (old.num, old.den, old.value, old.status)
    assert (new.num, new.den) == (D(1493), D(1500))


@pytest.mark.django_db
def test_the_province_breaks_down_into_that_years_units_or_todays(world):
    zone = add_special_zone(world.tree)
    target = world.plan.literacy
    as_was = {r.unit.code: r for r in breakdown(target, world.tree.province, 2020, map=Map.AS_WAS)}
    as_is = {r.unit.code: r for r in breakdown(target, world.tree.province, 2020, map=Map.AS_IS)}
    assert set(as_was) == {"D-A", "D-B"}
    assert set(as_is) == {zone.code, "D-B"}
    assert (as_is[zone.code].num, as_is[zone.code].den) == (as_was["D-A"].num, as_was["D-A"].den)
    assert (as_is["D-B"].num, as_is["D-B"].den) == (D(700), D(800))


@pytest.mark.django_db
def test_by_todays_map_every_commune_counts_the_zone_as_one_commune(world):
    zone = add_special_zone(world.tree)
    level = world.plan.level
    as_was = evaluate_target(level, world.tree.province, 2020, Map.AS_WAS)
    as_is = evaluate_target(level, world.tree.province, 2020, Map.AS_IS)
    assert as_was.coverage.expected == 3  # A1, A2 and B1 in 2020
    assert as_is.coverage.expected == 2  # today: the zone and B1
    rows = {r.unit.code for r in breakdown(level, world.tree.province, 2020, map=Map.AS_IS)}
    assert zone.code not in rows  # the district held no level of its own: no figure, no row
    assert rows == set()


@pytest.mark.django_db
def test_a_split_communes_figure_is_never_apportioned(world):
    n1, n2 = split_b1(world.tree)
    target = world.plan.literacy
    for map in Map:
        for unit in (n1, n2):
            result = evaluate_target(target, unit, 2020, map)
            assert (result.value, result.status) == (None, "no_data")
    as_is = breakdown(target, world.tree.district_b, 2020, map=Map.AS_IS)
    assert as_is == []  # neither new commune carries a piece of B1's 2020 figure
    # District B holds both successors: there B1's figure counts once, whole.
    whole = evaluate_target(target, world.tree.district_b, 2020, Map.AS_IS)
    assert (whole.num, whole.den) == (D(700), D(800))
    by_province = breakdown(target, world.tree.province, 2020, map=Map.AS_IS)
    assert {r.unit.code: (r.num, r.den) for r in by_province}["D-B"] == (D(700), D(800))


@pytest.mark.django_db
def test_a_later_figure_of_a_successor_stays_under_it_on_the_old_units_map(world):
    import datetime

    from indicators.models import DataValue, Period
    from indicators.services import record_value

    zone = add_special_zone(world.tree)
    period = Period.objects.create(code="2026", year=2026, start_date=datetime.date(2026, 1, 1),
                                   end_date=datetime.date(2026, 12, 31))  # fmt: skip
    for element, value in ((world.ind.persons, 2000), (world.ind.literate, 1990)):
        record_value(unit=zone, period=period, element=element, age_band="15-60",
                     value=D(value), source=DataValue.Source.ENTERED)  # fmt: skip
    target = world.plan.literacy
    gone = evaluate_target(target, world.tree.district_a, 2026, Map.AS_WAS)
    assert (gone.value, gone.status) == (None, "no_data")  # never split back onto A1, A2
    assert breakdown(target, world.tree.district_a, 2026, map=Map.AS_WAS) == []
    for map in Map:
        rows = {r.unit.code: r for r in breakdown(target, world.tree.province, 2026, map=map)}
        assert zone.code in rows and "D-A" not in rows
        assert (rows[zone.code].num, rows[zone.code].den) == (D(1990), D(2000))


def test_by_todays_map_pending_values_of_a_predecessor_make_the_row_provisional(world, collection):
    from monitoring.queries import breakdown_targets, provisional_overlay
    from monitoring.tests.test_provisional_round import L, P, send

    zone = add_special_zone(world.tree)
    send(collection.submissions["C-A1"], {P: "1000", L: "999"}, world.users.commune_reporter)
    target = world.plan.literacy
    overlay = provisional_overlay([target], world.tree.province, 2020, Map.AS_IS)
    rows = breakdown_targets([target], world.tree.province, 2020, overlay, Map.AS_IS)[target.pk]
    row = next(r for r in rows if r.unit == zone)
    assert row.provisional
    assert (row.num, row.den) == (D(999 + 498), D(1500))
