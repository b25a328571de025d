"""Tests of the load_demo command: units, catalog, plan, synthetic values and demo accounts."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from indicators.models import DataValue, Period
from indicators.services import record_value
from monitoring.queries import evaluate_plan
from plans.models import Plan
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


def test_it_loads_three_yearly_periods(demo):
    periods = {p.code: p for p in Period.objects.all()}
    # 2021 is the period of the demo's reporting round (collection/demo.py), not of figures.
    assert sorted(periods) == ["2018", "2019", "2020", "2021"]
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


def test_the_values_are_demo_values_no_part_exceeds_its_whole_and_the_sizes_are_plausible(demo):
    # Only the synthetic register's 2020 figures are computed, and the one commune form the
    # demo round approves for 2021 is entered (collection/demo.py); the rest is demo data.
    computed = DataValue.objects.exclude(source=DataValue.Source.DEMO)
    assert set(computed.values_list("source", "period__code")) == {
        ("computed", "2020"),
        ("entered", "2021"),
    }
    persons = {
        (v.unit_id, v.period_id, v.sex, v.age_band): v.value
        for v in DataValue.objects.filter(element__code="persons")
    }
    literate = DataValue.objects.filter(element__code="literate_persons")
    # 12 communes × 3 years × (F, M) × 2 age bands, plus the register's unknown-sex rows in 2020,
    # plus the approved 2021 form of one commune: (F, M) × 2 age bands
    assert literate.count() == len(persons) == 12 * 3 * 4 + 12 * 2 + 4
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
