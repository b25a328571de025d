"""A target's chain across levels: up through its parent targets to the national one, down to
the targets that localise it, each judged on its plan's issuer only inside the user's scope."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from monitoring.chain import target_chain
from plans.models import ObjectiveGroup, Plan, Target, TargetMilestone


def a_plan(code: str, owner, start: int, end: int) -> tuple[Plan, ObjectiveGroup]:
    plan = Plan.objects.create(
        code=code, number=f"{code.upper()}/KH", title=f"Kế hoạch {code}",
        issued_on=datetime.date(start, 1, 1), issuer=owner.name, owner=owner,
        start_year=start, end_year=end,
    )  # fmt: skip
    group = ObjectiveGroup.objects.create(plan=plan, number="1", title="Xóa mù chữ")
    return plan, group


def a_target(plan, group, code, indicator, milestones, parent=None, relation="") -> Target:
    last_year, last_value = milestones[-1]
    target = Target.objects.create(
        plan=plan, group=group, code=code, clause=f"{code}.1", text=f"Chỉ tiêu {code}",
        indicator=indicator, comparator="gte", value=Decimal(last_value), due_year=last_year,
        parent_target=parent, parent_relation=relation,
    )  # fmt: skip
    for year, value in milestones:
        TargetMilestone.objects.create(target=target, year=year, value=Decimal(value))
    return target


@pytest.fixture
def chain(world):
    """QĐ (nation) → the city's plan → district A's plan (the test world's) → commune A1's."""
    rate = world.ind.literacy_rate
    nation, g = a_plan("qd-vn", world.tree.country, 2021, 2030)
    national = a_target(nation, g, "nat", rate, [(2025, 90), (2030, 95)])
    city_plan, g = a_plan("kh-city", world.tree.province, 2021, 2030)
    city = a_target(city_plan, g, "city", rate, [(2025, 95)], national, "stricter")
    district = world.plan.literacy
    district.parent_target, district.parent_relation = city, "stricter"
    district.save(update_fields=["parent_target", "parent_relation"])
    commune_plan, g = a_plan("kh-a1", world.tree.commune_a1, 2020, 2020)
    own = a_target(commune_plan, g, "own", rate, [(2020, 99)], district, "same")
    return SimpleNamespace(national=national, city=city, district=district, own=own)


def codes(links) -> list[str]:
    return [link.target.code for link in links]


def test_the_chain_runs_from_the_national_target_down_to_the_communes(world, chain):
    links = target_chain(chain.district, world.users.superuser, 2020)
    assert codes(links) == ["nat", "city", "literacy-15-60", "own"]
    assert [link.depth for link in links] == [-2, -1, 0, 1]
    assert [link.target.parent_relation for link in links] == ["", "stricter", "stricter", "same"]


def test_each_target_is_judged_on_the_unit_that_issued_its_plan(world, chain):
    links = {
        link.target.code: link for link in target_chain(chain.district, world.users.superuser, 2020)
    }
    district, own = links["literacy-15-60"].evaluated, links["own"].evaluated
    assert (district.unit, district.status) == (world.tree.district_a, "met")  # 1493/1500
    assert (own.unit, own.value, own.status) == (world.tree.commune_a1, Decimal(99.5), "met")
    assert links["nat"].evaluated.unit == world.tree.country


def test_the_milestone_in_force_is_the_first_due_in_or_after_the_year(world, chain):
    links = {
        link.target.code: link for link in target_chain(chain.district, world.users.superuser, 2026)
    }
    assert (links["nat"].milestone.year, links["nat"].milestone.value) == (2030, 95)
    assert links["city"].milestone.year == 2025  # the last, once all are past


def test_a_district_user_sees_the_targets_above_without_their_status(world, chain):
    links = target_chain(chain.district, world.users.district_admin, 2020)
    assert codes(links) == ["nat", "city", "literacy-15-60", "own"]
    scoped = {link.target.code: (link.in_scope, link.evaluated is not None) for link in links}
    assert scoped == {
        "nat": (False, False), "city": (False, False),
        "literacy-15-60": (True, True), "own": (True, True),
    }  # fmt: skip


def test_a_commune_user_sees_the_national_wording_but_no_status(world, chain):
    links = target_chain(chain.own, world.users.commune_reporter, 2020)
    assert codes(links) == ["nat", "city", "literacy-15-60", "own"]
    assert [link.evaluated is not None for link in links] == [False, False, False, True]


def test_targets_below_in_plans_the_user_may_not_see_are_left_out(world, chain):
    links = target_chain(chain.national, world.users.other_district, 2020)
    assert codes(links) == ["nat", "city"]  # district A's plan and commune A1's are not B's


def breakdown(code: str, target, **query) -> str:
    query = {"year": 2020, **query}
    return (
        reverse("target_breakdown", args=[code, target.pk])
        + "?"
        + "&".join(f"{k}={v}" for k, v in query.items())
    )


def test_the_breakdown_page_shows_the_chain_with_links_inside_the_scope(client, world, chain):
    client.force_login(world.users.district_admin)
    html = client.get(breakdown("D-A", chain.district, map="as_is")).content.decode()
    assert "Chỉ tiêu nat" in html and "Chỉ tiêu city" in html
    assert (
        f'href="{reverse("target_breakdown", args=["C-A1", chain.own.pk])}?year=2020&amp;map=as_is"'
        in html
    )
    assert reverse("target_breakdown", args=["P31", chain.city.pk]) not in html
    assert reverse("target_breakdown", args=["VN", chain.national.pk]) not in html
    assert html.count("data-out-of-scope") == 2
    assert html.count("data-chain-status") == 2


def test_a_commune_reporter_reads_the_chain_without_a_figure_from_above(client, world, chain):
    client.force_login(world.users.commune_reporter)
    response = client.get(breakdown("C-A1", chain.own))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Chỉ tiêu nat" in html and html.count("data-out-of-scope") == 3
    assert "ngoài phạm vi của bạn" in html
    assert "1.493" not in html  # district A's numerator stays out of the commune's page


@pytest.mark.parametrize(
    ("role", "code", "status"),
    [
        ("superuser", "D-A", 200),
        ("district_admin", "D-A", 200),
        ("viewer", "D-A", 200),
        ("commune_reporter", "C-A1", 200),
        ("unit_reporter", "D-A-GD", 200),
        ("other_district", "D-A", 404),
        ("no_unit", "D-A", 404),
    ],
)
def test_every_role_reaches_the_chain_only_inside_its_scope(
    client, world, chain, role, code, status
):
    client.force_login(getattr(world.users, role))
    assert client.get(breakdown(code, chain.district)).status_code == status


def test_the_chain_keeps_the_breakdown_page_to_a_bounded_number_of_queries(
    client, world, chain, django_assert_max_num_queries
):
    client.force_login(world.users.superuser)
    # 43 without a chain; each issuer of the chain adds its own evaluation (82 measured)
    with django_assert_max_num_queries(90):
        assert client.get(breakdown("D-A", chain.district)).status_code == 200
