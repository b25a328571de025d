"""Tests of recognition.publishing: tallies and decisions in the value store, and QĐ 387's
targets judged on them like any other target."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from indicators.catalog import load_catalog
from indicators.models import DataValue
from monitoring.evaluation import Status
from monitoring.queries import evaluate_targets, plan_targets
from plans.loader import load_plan_file
from recognition import publishing
from recognition.models import Application, CriteriaSet, Decision, Model
from recognition.publishing import kept_years, level_in, publish_recognition
from recognition.registers import save_tallies
from units.testing import build_tree, build_users

pytestmark = pytest.mark.django_db
BASE = Path(settings.BASE_DIR)


@pytest.fixture
def world():
    tree = build_tree()
    load_catalog(BASE / "data" / "indicators" / "learning-society.yaml")
    return tree, build_users(tree)


def values(unit, year) -> dict[str, Decimal]:
    rows = DataValue.objects.filter(unit=unit, period__year=year)
    return {r.element.code: r.value for r in rows.select_related("element")}


def test_tallies_are_summed_per_model_onto_the_commune(world):
    tree, users = world
    save_tallies(tree.commune_a1, 2024, [
        {"village": "Thôn 1", "model": "family", "total": 100, "registered": 90, "recognised": 70},
        {"village": "Thôn 2", "model": "family", "total": 50, "registered": 40, "recognised": 35},
        {"village": "", "model": "citizen", "total": 900, "recognised": 300},
        {"village": "Thôn 1", "model": "clan", "registered": 3},
    ], actor=users.commune_reporter)  # fmt: skip
    assert values(tree.commune_a1, 2024) == {
        "families": 150, "learning_families": 105, "citizens": 900, "learning_citizens": 300,
    }  # fmt: skip
    row = DataValue.objects.get(element__code="families")
    assert (row.source, row.updated_by) == ("computed", users.commune_reporter)
    assert "Xã A1" in row.origin


def test_qd387_family_target_is_met_at_70_and_not_at_69(world):
    tree, users = world
    plan = load_plan_file(BASE / "data" / "plans" / "387-QD-TTg-2022.yaml").plan
    m1 = [t for t in plan_targets(plan) if t.code == "m1"]
    family = {"village": "Thôn 1", "model": "family", "total": 100, "registered": 100}
    save_tallies(tree.commune_a1, 2025, [family | {"recognised": 69}], actor=users.superuser)
    save_tallies(tree.commune_a2, 2025, [family | {"recognised": 71}], actor=users.superuser)
    (a1,) = evaluate_targets(m1, tree.commune_a1, 2025)
    (district,) = evaluate_targets(m1, tree.district_a, 2025)
    assert (a1.value, a1.status) == (Decimal(69), Status.NOT_MET)
    assert (district.num, district.den, district.status) == (140, 200, Status.MET)


def make_decision(unit, model, year, outcome, level=None, valid_until=None, actor=None):
    criteria = CriteriaSet.objects.get_or_create(
        code=f"set-{model}", version="1",
        defaults={"model": model, "title": "t", "source": "s", "status": "verified",
                  "valid_from": 2024, "content": {}, "sha256": "0" * 64},
    )[0]  # fmt: skip
    app = Application.objects.create(unit=unit, model=model, criteria_set=criteria, year=year,
                                     level=level or 1, office=unit)  # fmt: skip
    Decision.objects.create(application=app, outcome=outcome, number=f"{year}/QĐ",
                            signed_on=datetime.date(year + 1, 3, 1), signer="x", level=level,
                            valid_until=valid_until, recorded_by=actor)  # fmt: skip
    return app


def test_a_recognition_writes_its_level_for_each_year_of_validity(world, monkeypatch):
    tree, users = world
    monkeypatch.setattr(publishing.timezone, "localdate", lambda: datetime.date(2030, 1, 1))
    app = make_decision(tree.commune_a1, Model.COMMUNITY_COMMUNE, 2024, "recognised", 2, 2027,
                        users.superuser)  # fmt: skip
    assert publish_recognition(app) == (4, 0)
    rows = DataValue.objects.filter(element__code="learning_commune_level", unit=tree.commune_a1)
    assert sorted(rows.values_list("period__year", "value")) == [
        (y, Decimal(2)) for y in (2024, 2025, 2026, 2027)
    ]
    assert rows.first().rule_set == "set-cdht_commune@1"


def test_a_recognition_speaks_for_the_years_begun_while_the_unit_stands(world):
    tree, users = world
    app = make_decision(tree.commune_a1, Model.COMMUNITY_COMMUNE, 2024, "recognised", 1, 2027)
    decision = app.decision
    assert kept_years(app, decision, datetime.date(2026, 12, 1)) == [2024, 2025, 2026]
    assert kept_years(app, decision, datetime.date(2024, 5, 1)) == [2024]  # decided early
    app.unit.valid_to = datetime.date(2025, 6, 30)  # merged in 2025: its 2024 figure only
    assert kept_years(app, decision, datetime.date(2030, 1, 1)) == [2024]
    app.unit.valid_to = datetime.date(2025, 12, 31)
    assert kept_years(app, decision, datetime.date(2030, 1, 1)) == [2024, 2025]


def test_a_refusal_writes_0_unless_an_earlier_recognition_still_covers_the_year(world):
    tree, users = world
    unit_model = Model.UNIT_DISTRICT
    refused = make_decision(tree.education, unit_model, 2025, "refused")
    publish_recognition(refused)
    assert values(tree.education, 2025) == {"learning_unit_level": 0}
    make_decision(tree.commune_a2, Model.COMMUNITY_COMMUNE, 2024, "recognised", 1, 2026)
    later = make_decision(tree.commune_a2, Model.COMMUNITY_DISTRICT, 2025, "refused")
    publish_recognition(later)  # another element: learning_district_level
    assert values(tree.commune_a2, 2025) == {"learning_district_level": 0}
    again = make_decision(tree.association, unit_model, 2024, "recognised", 1, 2026)
    publish_recognition(again)
    refusal = make_decision(tree.association, Model.UNIT_PROVINCE, 2025, "refused")
    publish_recognition(refusal)
    assert values(tree.association, 2025) == {"learning_unit_level": 1}


def test_level_in_takes_the_highest_valid_recognition():
    class D:
        def __init__(self, year, outcome, level=None, valid_until=None):
            self.application = type("A", (), {"year": year})
            self.outcome, self.level, self.valid_until = outcome, level, valid_until

    decisions = [D(2024, "recognised", 1, 2027), D(2026, "recognised", 2, 2029),
                 D(2028, "refused")]  # fmt: skip
    assert [level_in(decisions, y) for y in (2023, 2024, 2026, 2028, 2029, 2030)] == [
        None, 1, 2, 2, 2, None
    ]  # fmt: skip
    assert level_in([D(2030, "refused")], 2030) == 0
    assert level_in([D(2030, "recognised", 1, 2029)], 2031) is None


def test_a_model_without_a_level_element_publishes_nothing(world):
    tree, _users = world
    app = make_decision(tree.commune_a1, Model.FAMILY, 2024, "recognised", 1, 2026)
    assert publish_recognition(app) == (0, 0)


def test_the_demo_tallies_meet_qd387_families_and_miss_clans_and_units(world):
    """With the demo file's shares, the demo's tallies leave some of QĐ 387's targets unmet."""
    import yaml

    from recognition.register_demo import seed_tallies

    tree, users = world
    plan = load_plan_file(BASE / "data" / "plans" / "387-QD-TTg-2022.yaml").plan
    demo = yaml.safe_load((BASE / "data" / "demo" / "cat-hai-demo.yaml").read_text())
    spec = demo["recognition"]["tallies"]
    seed_tallies([tree.commune_a1, tree.commune_a2, tree.district_a], [2024, 2025],
                 actor=users.superuser, last_share=spec["last_share"], rise=spec["rise"],
                 seed=spec["seed"])  # fmt: skip
    results = evaluate_targets(plan_targets(plan), tree.district_a, 2025)
    assert {r.target.code: r.status for r in results} == {
        "m1": Status.MET, "m2": Status.NOT_MET, "m3": Status.MET, "m4": Status.NOT_MET,
    }  # fmt: skip
    earlier = evaluate_targets(plan_targets(plan), tree.district_a, 2024)
    assert all(r.value <= later.value for r, later in zip(earlier, results, strict=True))
    assert earlier[0].value < results[0].value  # families: the share rises every year
