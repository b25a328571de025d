"""The register feeds the plan: its literacy counts and standards' levels are computed values of
the value store, published idempotently, and the plan's II.1 targets evaluate from them.

the test world's catalog holds `persons`, `literate_persons` (the plan's indicator reads age band
15-60) and `literacy_level`; it has no preschool5/primary/lower_secondary level elements, so
only the literacy figures are asserted here.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command

from indicators.aggregate import figure
from indicators.demo import ensure_year_periods
from indicators.models import DataValue
from indicators.sums import indicator_spec, unit_totals
from units.models import OrgUnit
from universalization.models import CommuneYear, Person
from universalization.publishing import publish_register, set_disadvantaged
from universalization.queries import current_rules
from universalization.rules import DEFAULT_RULES_PATH
from universalization.services import import_register, load_register
from universalization.testing import write_exchange

YEAR = 2020


def _row(commune: str, n: int, age: int, sex: str, grade: int | str) -> dict:
    return {"commune_code": commune, "household_id": f"H{n // 4}", "person_id": f"P{n}",
            "full_name": f"Người {n}", "sex": sex, "birth_year": YEAR - age,
            "residence": "permanent", "disability": "none",
            "highest_grade_completed": grade}  # fmt: skip


def district_a_register() -> list[dict]:
    """C-A1: ten 20-year-olds, 8 at literacy level 2, 1 at level 1 only (grade 3), 1 not
    literate: literate1 9/10 (met), literate2 8/10 (not met) -> literacy level 1.
    C-A2 (disadvantaged): four 30-year-olds, literate at level 2, and one of 70 (no band):
    literate1 over 15-25 has no one (undetermined), literate2 over 15-35 4/4 -> level 2."""
    grades = [9, 9, 9, 9, 9, 9, 9, 9, 3, 0]
    persons = [_row("C-A1", n, 20, "FM"[n % 2], g) for n, g in enumerate(grades)]
    persons += [_row("C-A2", n, 30, "F" if n < 3 else "M", 12) for n in range(4)]
    persons.append(_row("C-A2", 4, 70, "M", 12))
    return persons


COMMUNES = [
    {"commune_code": "C-A1", "district_code": "D-A", "disadvantaged": "no"},
    {"commune_code": "C-A2", "district_code": "D-A", "disadvantaged": "yes"},
]


@pytest.fixture
def imported(world, tmp_path):
    result = import_register(*write_exchange(tmp_path, COMMUNES, district_a_register()), year=YEAR)
    return list(OrgUnit.objects.filter(pk__in=result.commune_ids))


@pytest.fixture
def published(imported):
    publish_register(imported, YEAR, current_rules())
    return imported


def rate(indicator, unit, year: int = YEAR):
    """The indicator's figure on the unit's subtree, from the value store's sums (what target
    evaluation reads)."""
    spec = indicator_spec(indicator)
    return figure(spec, unit_totals(unit, [year], spec.element_ids), year)


def values(element: str, **filters) -> dict[tuple, Decimal]:
    rows = DataValue.objects.filter(element__code=element, period__year=YEAR, **filters)
    return {(v.unit.code, v.sex, v.age_band): v.value for v in rows.select_related("unit")}


def test_the_literacy_counts_are_published_by_commune_sex_and_age_band(published):
    persons = values("persons", unit__code="C-A1")
    assert persons[("C-A1", "F", "15-60")] == persons[("C-A1", "M", "15-60")] == 5
    assert persons[("C-A1", "", "15-60")] == 0  # no person of unknown sex
    assert persons[("C-A1", "F", "15-35")] == 5
    literate = values("literate_persons", unit__code="C-A2")
    assert literate[("C-A2", "F", "15-60")] == 3
    assert literate[("C-A2", "M", "15-60")] == 1  # the 70-year-old is in no band
    assert literate[("C-A2", "M", "15-35")] == 1


def test_the_published_figures_are_computed_values(published):
    rows = DataValue.objects.filter(unit__code__in=["C-A1", "C-A2"], period__year=YEAR)
    assert set(rows.values_list("source", flat=True)) == {"computed"}


def test_the_plans_literacy_target_evaluates_from_the_register(world, imported):
    indicator = world.plan.literacy.indicator  # 15-60-year-olds literate, on D-A's sums
    entered = rate(indicator, world.tree.district_a)
    assert (entered.num, entered.den) == (1493, 1500)
    publish_register(imported, YEAR, current_rules())
    evaluated = rate(indicator, world.tree.district_a)
    assert (evaluated.num, evaluated.den) == (13, 14)
    commune = rate(indicator, world.tree.commune_a1)
    assert (commune.num, commune.den) == (9, 10)


def test_the_commune_and_district_levels_are_computed_values(published):
    levels = DataValue.objects.filter(element__code="literacy_level", period__year=YEAR)
    by_unit = {v.unit.code: (v.value, v.source) for v in levels.select_related("unit")}
    assert by_unit["C-A1"] == (1, "computed")
    assert by_unit["C-A2"] == (2, "computed")
    assert by_unit["D-A"] == (0, "computed")  # literacy level 1 met in 1 of 2 communes


def test_the_every_commune_level_target_counts_the_registers_levels(world, published):
    levels = {
        code: rate(world.plan.level.indicator, getattr(world.tree, code)).value
        for code in ("commune_a1", "commune_a2")
    }
    assert levels == {"commune_a1": 1, "commune_a2": 2}  # level 2 reached in 1 of 2 communes


def test_publishing_twice_changes_nothing(published):
    before = list(DataValue.objects.order_by("pk").values())
    history = DataValue.history.count()
    assert publish_register(published, YEAR, current_rules()) == (0, 0)
    assert list(DataValue.objects.order_by("pk").values()) == before
    assert DataValue.history.count() == history


def test_publishing_leaves_another_districts_values_alone(world, published):
    assert values("persons", unit__code="C-B1") == {("C-B1", "", "15-60"): 800}
    b1 = DataValue.objects.get(unit__code="C-B1", element__code="persons", period__year=YEAR)
    assert b1.source == "entered"


def test_removing_persons_and_republishing_lowers_the_counts(world, published):
    Person.objects.filter(commune__code="C-A1", code__in=["P0", "P9"]).delete()  # F lit., M not
    Person.objects.filter(commune__code="C-A2", sex="F").delete()
    created, updated = publish_register(published, YEAR, current_rules())
    assert created == 0 and updated > 0
    a1 = values("persons", unit__code="C-A1")
    assert (a1[("C-A1", "F", "15-60")], a1[("C-A1", "M", "15-60")]) == (4, 4)
    assert values("literate_persons", unit__code="C-A1")[("C-A1", "F", "15-60")] == 4
    a2 = values("literate_persons", unit__code="C-A2")
    assert (a2[("C-A2", "F", "15-60")], a2[("C-A2", "M", "15-60")]) == (0, 1)
    evaluated = rate(world.plan.literacy.indicator, world.tree.district_a)
    assert (evaluated.num, evaluated.den) == (9, 9)


def test_a_commune_whose_register_is_emptied_keeps_no_stale_counts(world, published):
    Person.objects.filter(commune__code="C-A2").delete()
    publish_register(published, YEAR, current_rules())
    assert set(values("persons", unit__code="C-A2").values()) == {0}


# --- figures stay tied to their sources: the rule-set version, rule and flag changes ------


def _version_file(tmp_path, version: str):
    """The shipped rule set under another version."""
    data = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    data["version"] = version
    path = tmp_path / f"rules-{version}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_every_computed_value_records_the_rule_set_version_that_produced_it(published):
    rules = current_rules()
    label = f"{rules.code}@{rules.version}"
    computed = DataValue.objects.filter(source="computed")
    assert computed.exists()
    assert set(computed.values_list("rule_set", flat=True)) == {label}
    assert set(DataValue.history.filter(source="computed").values_list("rule_set", flat=True)) == {
        label
    }


def test_loading_a_new_rule_set_republishes_the_plan_figures_under_it(world, published, tmp_path):
    old = DataValue.objects.get(unit__code="D-A", element__code="literacy_level", period__year=YEAR)
    call_command("load_pcgd_rules", str(_version_file(tmp_path, "2099.1")), stdout=io.StringIO())
    computed = DataValue.objects.filter(source="computed")
    assert set(computed.values_list("rule_set", flat=True)) == {"nd20-2014@2099.1"}
    history = DataValue.history.filter(id=old.pk).order_by("history_date")
    assert [r.rule_set for r in history][-2:] == ["nd20-2014@2014.1", "nd20-2014@2099.1"]
    # Nothing is left stale: publishing again under the active rules changes nothing.
    assert publish_register(published, YEAR, current_rules()) == (0, 0)


def test_changing_a_communes_flag_republishes_the_figures_it_changes(world, published):
    district = DataValue.objects.filter(
        unit__code="D-A", element__code="literacy_level", period__year=YEAR
    )
    assert district.get().value == 0  # C-A2, disadvantaged, has no one of 15-25: level 1 open
    set_disadvantaged(world.tree.commune_a2, YEAR, False, actor=world.users.superuser)
    # Not disadvantaged, C-A2's literacy level 1 is read over 15-35 (4 of 4): both communes
    # meet level 1, so the district does.
    assert district.get().value == 1
    assert publish_register(published, YEAR, current_rules()) == (0, 0)


def test_the_admin_change_of_a_flag_republishes(client, world, published):
    row = CommuneYear.objects.get(commune__code="C-A2", year=YEAR)
    client.force_login(world.users.superuser)
    response = client.post(
        f"/admin/universalization/communeyear/{row.pk}/change/",
        {"commune": row.commune_id, "year": YEAR, "legal_basis": ""},  # unticked: not disadvantaged
    )
    assert response.status_code == 302
    level = DataValue.objects.get(unit__code="D-A", element__code="literacy_level",
                                  period__year=YEAR)  # fmt: skip
    assert level.value == 1
    assert level.history.latest("history_date").history_user == world.users.superuser


def test_a_rule_set_saved_in_the_admin_republishes_the_plan_figures(client, world, published):
    import json

    data = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
    data["version"] = "2099.3"
    client.force_login(world.users.superuser)
    response = client.post(
        "/admin/universalization/ruleset/add/",
        {"code": data["code"], "version": "2099.3", "title": data["title"],
         "content": json.dumps(data), "sha256": "", "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    computed = DataValue.objects.filter(source="computed")
    assert set(computed.values_list("rule_set", flat=True)) == {"nd20-2014@2099.3"}


def test_a_flag_changed_by_an_import_republishes_the_later_years_it_holds_for(
    world, published, tmp_path
):
    """The flag of 2020 holds for 2021 too (no row of its own): an import that changes it
    recomputes 2021's published figures as well, as a change in the admin does."""
    ensure_year_periods([YEAR + 1])
    publish_register(published, YEAR + 1, current_rules())
    later = DataValue.objects.filter(
        unit__code="D-A", element__code="literacy_level", period__year=YEAR + 1
    )
    assert later.get().value == 0  # C-A2 disadvantaged: literacy level 1 undetermined
    communes = [{**row, "disadvantaged": "no"} for row in COMMUNES]
    load_register(*write_exchange(tmp_path, communes, district_a_register()), year=YEAR,
                  actor=world.users.superuser)  # fmt: skip
    assert later.get().value == 1
    assert publish_register(published, YEAR + 1, current_rules()) == (0, 0)
