"""Target evaluation over the database: sums in SQL, the tree of each year, breakdowns."""

from __future__ import annotations

from decimal import Decimal

import pytest

from monitoring.queries import breakdown, evaluate_plan, evaluate_target, values_behind
from units.testing import add_special_zone

D = Decimal


def by_code(results):
    return {r.target.code: r for r in results}


@pytest.mark.django_db
def test_a_district_rate_sums_its_communes_numerators_and_denominators(world):
    result = evaluate_target(world.plan.literacy, world.tree.district_a, 2020)
    assert (result.num, result.den) == (D(1493), D(1500))
    assert result.value == D("99.533333")
    assert result.status == "met"


@pytest.mark.django_db
def test_the_trend_lists_each_year_oldest_first(world):
    result = evaluate_target(world.plan.literacy, world.tree.district_a, 2020)
    assert result.trend == ((2019, D("98.500000")), (2020, D("99.533333")))


@pytest.mark.django_db
def test_before_the_due_year_a_rate_below_target_with_no_trend_is_at_risk(world):
    result = evaluate_target(world.plan.literacy, world.tree.district_a, 2019)
    assert result.status == "at_risk"


@pytest.mark.django_db
def test_an_every_commune_target_is_the_share_of_communes_meeting_it(world):
    result = evaluate_target(world.plan.level, world.tree.district_a, 2020)
    assert (result.num, result.den, result.value) == (D(1), D(2), D("50.000000"))
    assert result.status == "not_met"


@pytest.mark.django_db
def test_bodies_figures_add_up_for_the_district(world):
    result = evaluate_target(world.plan.officials_it, world.tree.district_a, 2020)
    assert (result.num, result.den) == (D(23), D(25))
    assert result.status == "not_met"


@pytest.mark.django_db
def test_a_unit_without_values_has_no_data(world):
    result = evaluate_target(world.plan.officials_it, world.tree.district_b, 2020)
    assert result.status == "no_data"
    assert result.value is None


@pytest.mark.django_db
def test_the_plan_is_evaluated_target_by_target_in_order(world):
    results = evaluate_plan(world.plan.plan, world.tree.district_a, 2020)
    assert [r.target.code for r in results] == ["literacy-15-60", "literacy-level", "officials-it"]
    assert [r.status for r in results] == ["met", "not_met", "not_met"]


@pytest.mark.django_db
def test_the_breakdown_gives_each_child_with_data_its_own_status(world):
    rows = {r.unit.code: r for r in breakdown(world.plan.literacy, world.tree.district_a, 2020)}
    assert set(rows) == {"C-A1", "C-A2"}
    assert rows["C-A1"].value == D("99.500000")
    assert rows["C-A2"].status == "met"


@pytest.mark.django_db
def test_the_every_commune_breakdown_judges_each_commune_on_its_own_value(world):
    rows = {r.unit.code: r for r in breakdown(world.plan.level, world.tree.district_a, 2020)}
    assert rows["C-A1"].status == "met"
    assert rows["C-A2"].status == "not_met"
    assert rows["C-A2"].value == D("1.000000")


@pytest.mark.django_db
def test_the_breakdown_of_a_province_gives_each_district_its_share_of_communes(world):
    rows = {r.unit.code: r for r in breakdown(world.plan.level, world.tree.province, 2020)}
    assert set(rows) == {"D-A"}
    assert (rows["D-A"].num, rows["D-A"].den) == (D(1), D(2))


@pytest.mark.django_db
def test_the_values_behind_a_figure_are_the_parts_of_its_year(world):
    rows = values_behind(world.plan.literacy, world.tree.district_a, 2020)
    assert sorted((v.unit.code, v.element.code, v.value) for v in rows) == [
        ("C-A1", "literate_persons", D(995)),
        ("C-A1", "persons", D(1000)),
        ("C-A2", "literate_persons", D(498)),
        ("C-A2", "persons", D(500)),
    ]


@pytest.mark.django_db
def test_a_successor_unit_is_measured_through_its_predecessor_before_it_existed(world):
    tree = world.tree
    zone = add_special_zone(tree)
    from_zone = evaluate_target(world.plan.literacy, zone, 2020)
    from_district = evaluate_target(world.plan.literacy, tree.district_a, 2020)
    assert (from_zone.num, from_zone.den, from_zone.status) == (
        from_district.num,
        from_district.den,
        from_district.status,
    )
    assert {r.unit.code for r in breakdown(world.plan.level, zone, 2020)} == {"C-A1", "C-A2"}


@pytest.mark.django_db
def test_a_communes_own_dashboard_judges_an_every_commune_target_on_its_own_value(world):
    a1 = evaluate_target(world.plan.level, world.tree.commune_a1, 2020)
    a2 = evaluate_target(world.plan.level, world.tree.commune_a2, 2020)
    assert (a1.value, a1.status) == (D("2.000000"), "met")
    assert (a2.value, a2.status) == (D("1.000000"), "not_met")


@pytest.mark.django_db
def test_a_commune_level_successor_sees_its_predecessors_communes_share(world):
    tree = world.tree
    zone = add_special_zone(tree)
    result = evaluate_target(world.plan.level, zone, 2020)
    assert (result.num, result.den, result.status) == (D(1), D(2), "not_met")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("comparator", "value", "value_max"),
    [("gte", "2", None), ("gt", "1", None), ("eq", "2", None), ("lt", "2", None),
     ("lte", "1", None), ("parity", "1", "2")],
)  # fmt: skip
def test_communes_counted_in_sql_agree_with_the_exact_rule_engine(
    world, comparator, value, value_max
):
    from indicators.sums import indicator_spec
    from monitoring.communes import commune_counts, commune_figures
    from monitoring.evaluation import count_communes
    from monitoring.queries import target_rule

    target = world.plan.level
    target.comparator, target.value = comparator, D(value)
    target.value_max = None if value_max is None else D(value_max)
    years = [2019, 2020]
    for unit in (world.tree.district_a, world.tree.province, world.tree.country):
        spec = indicator_spec(target.indicator)
        exact = commune_figures(unit, years, spec.element_ids).values(spec)
        in_sql = commune_counts(unit, years, [target])
        for year in years:
            assert in_sql[(target.pk, year)] == count_communes(target_rule(target), exact[year])


@pytest.mark.django_db
def test_breaking_down_all_targets_at_once_equals_one_target_at_a_time(world):
    from monitoring.queries import breakdown_targets

    targets = list(world.plan.plan.targets.select_related("indicator"))
    for unit in (world.tree.district_a, world.tree.province):
        together = breakdown_targets(targets, unit, 2020)
        for target in targets:
            assert together[target.pk] == breakdown(target, unit, 2020)
