"""Tests of the load_demo command: units, catalog, plan, synthetic values and demo accounts."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from indicators.models import DataValue, Period
from indicators.services import record_value
from monitoring.queries import evaluate_plan, years_with_data
from plans.models import Plan
from plans.queries import plans_for_unit
from units.codes import resolve
from units.models import Membership, OrgUnit

COMMUNES = [str(c) for c in range(11914, 11948, 3)]  # official codes
PASSWORD = "xhht-demo-2020"
BODY_KINDS = ["department", "association", "centre", "media"]
DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "demo" / "cat-hai-demo.yaml"


FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_database(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module (its register import takes seconds), then flushed."""
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        load()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def demo(demo_database, db):
    """Each test sees the demo and its changes are rolled back."""


def elements_of(code: str) -> set[str]:
    return set(DataValue.objects.filter(unit__code=code).values_list("element__code", flat=True))


def test_it_loads_the_yearly_periods_from_2018_to_2025(demo):
    periods = {p.code: p for p in Period.objects.all()}
    assert sorted(periods) == [str(year) for year in range(2018, 2026)]
    assert (periods["2020"].start_date.isoformat(), periods["2020"].end_date.isoformat()) == (
        "2020-01-01",
        "2020-12-31",
    )


def test_every_commune_reports_its_figures(demo):
    wanted = {
        "persons", "literate_persons", "literacy_level", "officials", "officials_fl_level3",
        "commune_officials", "commune_officials_qualified", "rural_workers",
        "rural_workers_learning_at_clc", "life_skills_population", "life_skills_participants",
    }  # fmt: skip
    for code in COMMUNES:
        assert wanted <= elements_of(code), code


def test_every_body_reports_its_officials_and_departments_their_district_officials(demo):
    bodies = OrgUnit.objects.filter(kind__in=BODY_KINDS)
    assert bodies.count() == 19
    for body in bodies:
        assert {"officials", "officials_it_programme"} <= elements_of(body.code), body.code
        if body.kind == "department":
            assert {"district_officials", "district_leaders_trained"} <= elements_of(body.code)
    assert "industrial_workers_vocational_trained" in elements_of("317-LDLD")
    assert {"students", "students_life_skills"} <= elements_of("317-PGDDT")


LEARNING_MODEL_ELEMENTS = {
    "families", "learning_families", "clans", "learning_clans", "villages", "learning_villages",
    "grassroots_units", "learning_grassroots_units", "citizens", "learning_citizens",
    "learning_commune_level", "learning_unit_level",
}  # fmt: skip


def test_the_values_are_demo_values_no_part_exceeds_its_whole_and_the_sizes_are_plausible(demo):
    # The synthetic register's 2020 figures are computed, so are the learning-model tallies
    # and recognitions (recognition/demo.py, 2021-2025); the one commune form the demo round
    # approves for 2021 is entered (collection/demo.py); the rest is demo data.
    computed = DataValue.objects.exclude(source=DataValue.Source.DEMO)
    assert set(computed.values_list("source", "period__code")) == {
        ("computed", "2020"),
        ("entered", "2021"),
        *(("computed", str(year)) for year in range(2021, 2026)),
    }
    models = computed.exclude(period__code="2020").exclude(source="entered")
    assert set(models.values_list("element__code", flat=True)) <= LEARNING_MODEL_ELEMENTS
    persons = {
        (v.unit_id, v.period_id, v.sex, v.age_band): v.value
        for v in DataValue.objects.filter(element__code="persons")
    }
    literate = DataValue.objects.filter(element__code="literate_persons")
    # 12 communes × 7 years (2018-2024) × (F, M) × 2 age bands, plus the register's
    # unknown-sex rows in 2020, plus the đặc khu in 2025 (the approved 2021 form of one
    # commune replaces that commune's demo values of 2021)
    assert literate.count() == len(persons) == 12 * 7 * 4 + 12 * 2 + 4
    for v in literate:
        assert v.value <= persons[(v.unit_id, v.period_id, v.sex, v.age_band)]
    in_2019 = DataValue.objects.filter(
        element__code="persons", age_band="15-60", period__code="2019"
    )
    people_15_60 = sum(v.value for v in in_2019)
    assert Decimal(15000) < people_15_60 < Decimal(32090)


def test_every_target_has_a_status_in_2020_and_some_are_not_met(demo):
    plan = Plan.objects.get(code="08-KH-BCD-2020-cat-hai")
    results = evaluate_plan(plan, OrgUnit.objects.get(code="317"), 2020)
    statuses = [r.status for r in results]
    assert len(results) == plan.targets.count()
    assert "no_data" not in statuses
    assert 1 <= statuses.count("not_met") < statuses.count("met")
    by_code = {r.target.code: r.status for r in results}
    assert by_code["commune-literacy-level-2"] == "not_met"
    assert by_code["workers-it-fl-rises"] == "met"
    assert by_code["workers-high-skill-rises"] == "not_met"


def test_the_special_zone_sees_the_district_figures_of_2020(demo):
    plan = Plan.objects.get(code="08-KH-BCD-2020-cat-hai")
    zone = resolve("31-DK-CATHAI")  # the demo's former code, now an alias of 11914
    assert (zone.code, zone.name) == ("11914", "Đặc khu Cát Hải")
    results = evaluate_plan(plan, zone, 2020)
    assert "no_data" not in [r.status for r in results]


def test_the_demo_accounts_have_their_roles(demo):
    User = get_user_model()
    roles = {
        (m.user.username, m.unit.code): m.role
        for m in Membership.objects.select_related("user", "unit")
    }
    assert roles[("pgd_cathai", "317")] == "district_admin"
    assert roles[("viewer_cathai", "317")] == "viewer"
    assert roles[("donvi_pgddt", "317-PGDDT")] == "unit_reporter"
    assert roles[("dk_cathai", "11914")] == "viewer"
    for code in COMMUNES:
        assert roles[(f"xa_{code}", code)] == "commune_reporter"
    assert len(roles) == 4 + 12
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    for user in User.objects.all():
        assert user.check_password(PASSWORD), user.username
    assert not User.objects.get(username="pgd_cathai").is_staff


def test_a_rerun_changes_nothing(demo):
    User = get_user_model()

    def state():
        return (
            list(DataValue.objects.order_by("pk").values_list("pk", "value", "updated_at")),
            DataValue.history.count(),
            OrgUnit.history.count(),
            list(User.objects.order_by("pk").values_list("pk", "password")),
            Membership.objects.count(),
        )

    before = state()
    assert "tạo mới 0 số liệu, cập nhật 0 số liệu" in load()
    assert state() == before


def test_an_entered_value_survives_a_rerun(demo):
    value = DataValue.objects.filter(unit__code="11914", element__code="officials").first()
    record_value(
        unit=value.unit, period=value.period, element=value.element,
        value=Decimal(7), source=DataValue.Source.ENTERED,
    )  # fmt: skip
    load()
    value.refresh_from_db()
    assert (value.value, value.source) == (Decimal(7), DataValue.Source.ENTERED)


def test_if_empty_leaves_a_database_with_units_alone(demo):
    count = DataValue.objects.count()
    DataValue.objects.filter(unit__code="11914").delete()
    out = load("--if-empty")
    assert "không nạp dữ liệu mẫu" in out
    assert DataValue.objects.count() < count


# --- the 2021-2030 cycle (data/demo/cat-hai-demo.yaml, `phases`) ----------------------------

PLAN_254 = "254-KH-UBND-2021-hai-phong"
PLAN_1373 = "1373-QD-TTg-2021"


def special_zone() -> OrgUnit:
    return resolve("11914", datetime.date(2025, 12, 31))


def test_the_2020_story_is_unchanged(demo):
    plan = Plan.objects.get(code="08-KH-BCD-2020-cat-hai")
    district = resolve("317", datetime.date(2020, 12, 31))
    results = evaluate_plan(plan, district, 2020)
    not_met = sorted(r.target.code for r in results if r.status != "met")
    assert not_met == [
        "commune-literacy-level-2", "officials-fl-level-3", "workers-high-skill-rises",
        "workers-vocational",
    ]  # fmt: skip
    assert {r.status for r in results} == {"met", "not_met"}


def test_figures_of_2025_are_the_special_zones_not_the_communes_that_ended(demo):
    in_2025 = DataValue.objects.filter(period__code="2025")
    cat_hai = in_2025.filter(unit__path__startswith=resolve("31").path).exclude(unit__code="31")
    assert set(cat_hai.values_list("unit__code", "unit__valid_from")) == {
        ("11914", datetime.date(2025, 7, 1))
    }
    assert not in_2025.filter(unit__valid_to__lt=datetime.date(2025, 12, 31)).exists()
    communes = DataValue.objects.filter(period__code="2024", unit__code__in=COMMUNES)
    assert set(communes.values_list("unit__code", flat=True)) == set(COMMUNES)


def test_kh254_targets_have_statuses_for_the_special_zone_in_2025(demo):
    results = evaluate_plan(Plan.objects.get(code=PLAN_254), special_zone(), 2025)
    by_code = {r.target.code: r.status for r in results}
    assert by_code["district-primary-3"] == "void"  # no district after 01/07/2025
    assert "no_data" not in by_code.values()
    assert by_code["commune-literacy-level-2"] == by_code["working-age-information"] == "met"
    assert by_code["lit-15-35"] == by_code["university-15-plus"] == "not_met"
    assert not any(r.partial for r in results)


def test_qd1373_a1_has_a_status_over_the_34_provinces_in_2025(demo):
    results = evaluate_plan(Plan.objects.get(code=PLAN_1373), resolve("VN"), 2025)
    by_code = {r.target.code: r for r in results}
    a1 = by_code["a1"]
    assert (a1.status, a1.num, a1.den) == ("met", 26, 34)
    assert not a1.partial
    assert {by_code[c].status for c in ("a2", "a4", "d3")} == {"not_met"}
    # Persons-based targets: only Cát Hải reports them, and the status says so.
    b1 = by_code["b1"]
    assert b1.partial and (b1.coverage.reported, b1.coverage.expected) == (1, 3321)
    assert by_code["c1"].status == "no_data"


def test_the_special_zone_reaches_the_current_cycle_with_2025_figures(demo):
    plans = {p.code: p for p in plans_for_unit(special_zone())}
    assert {PLAN_254, PLAN_1373, "08-KH-BCD-2020-cat-hai"} <= set(plans)
    assert (plans[PLAN_254].start_year, plans[PLAN_254].end_year) == (2021, 2030)
    assert years_with_data(plans[PLAN_254], special_zone())[-4:] == [2022, 2023, 2024, 2025]


def test_the_recognition_story_of_2024_and_qd387_in_2025(demo):
    from recognition.models import Application, Decision

    day = datetime.date(2024, 12, 31)
    statuses = {
        (a.unit.code, a.model): a.status
        for a in Application.objects.filter(year=2024).select_related("unit")
    }
    assert statuses == {
        ("11917", "cdht_commune"): "recognised", ("11926", "cdht_commune"): "refused",
        ("11929", "cdht_commune"): "submitted", ("11932", "cdht_commune"): "registered",
        ("317-PGDDT", "dvht_district"): "recognised", ("317-GDNN", "dvht_district"): "submitted",
        ("317-HKH", "dvht_district"): "registered",
    }  # fmt: skip
    recognised = Decision.objects.get(application__unit=resolve("11917", day))
    assert (recognised.level, recognised.valid_until) == (1, 2027)
    assert recognised.result["criteria_set"] == "cdht-xa-tt25-2023"
    refused = Decision.objects.get(application__unit=resolve("11926", day))
    assert refused.outcome == "refused" and "X5.1" in refused.reasons
    # the commune's level is in the value store for 2024, the year it stood at the end of
    level = DataValue.objects.get(element__code="learning_commune_level", period__code="2024",
                                  unit=resolve("11917", day))  # fmt: skip
    assert level.value == 1
    results = evaluate_plan(Plan.objects.get(code="387-QD-TTg-2022"), special_zone(), 2025)
    assert {r.target.code: r.status for r in results} == {
        "m1": "met", "m2": "not_met", "m3": "met", "m4": "not_met",
    }  # fmt: skip
