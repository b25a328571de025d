"""Every figure says how complete it is: the units expected to report, and those that did.

the test world's world: communes A1 and A2 report the literacy counts (A1 in 2019 and 2020,
A2 in 2020 only); the education office and the association report the officials.
"""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from collection import services as collection
from collection.testing import build_collection
from indicators.coverage import Coverage
from indicators.models import DataValue
from indicators.services import NewValue, publish_values, remove_value
from monitoring.queries import (
    breakdown,
    evaluate_target,
    evaluate_targets,
    provisional_overlay,
)

P, L = ("persons", "", "15-60"), ("literate_persons", "", "15-60")


def _drop_a2_figures(world, year: int = 2020) -> None:
    """Commune A2 has not reported this year: its approved values are not in the store."""
    for element, band in [(world.ind.persons, "15-60"), (world.ind.literate, "15-60"),
                          (world.ind.level, "")]:  # fmt: skip
        remove_value(
            unit=world.tree.commune_a2, period=world.ind.periods[year], element=element,
            sources=[DataValue.Source.ENTERED], age_band=band,
        )  # fmt: skip


def test_without_a_round_every_commune_holding_the_figure_is_expected(world):
    full = evaluate_target(world.plan.literacy, world.tree.district_a, 2020)
    assert full.coverage == Coverage(2, 2) and not full.partial
    earlier = evaluate_target(world.plan.literacy, world.tree.district_a, 2019)
    assert earlier.coverage == Coverage(1, 2) and earlier.partial  # A2 reported no 2019 figure


def test_the_bodies_expected_are_those_that_hold_the_figure(world):
    evaluated = evaluate_target(world.plan.officials_it, world.tree.district_a, 2020)
    # The education office and the association, not every department of the district.
    assert evaluated.coverage == Coverage(2, 2)


def test_a_round_expects_the_units_it_owes_a_form(world):
    build_collection(world)  # round bc-2020: a form for each of A1 and A2
    _drop_a2_figures(world)
    evaluated = evaluate_target(world.plan.literacy, world.tree.district_a, 2020)
    assert evaluated.status == "met"  # A1's 995 of 1,000 alone
    assert evaluated.coverage == Coverage(1, 2) and evaluated.partial


def test_a_commune_judged_on_its_own_figure_expects_itself(world):
    evaluated = evaluate_target(world.plan.literacy, world.tree.commune_a1, 2020)
    assert evaluated.coverage == Coverage(1, 1)


def test_an_every_commune_figure_counts_the_communes_with_a_figure(world):
    _drop_a2_figures(world)
    evaluated = evaluate_target(world.plan.level, world.tree.district_a, 2020)
    assert (evaluated.num, evaluated.den) == (1, 2)
    assert evaluated.coverage == Coverage(1, 2)


def test_the_breakdown_gives_each_unit_its_own_coverage(world):
    _drop_a2_figures(world)
    by_district = {
        r.unit.code: r.coverage for r in breakdown(world.plan.literacy, world.tree.province, 2020)
    }
    assert by_district == {"D-A": Coverage(1, 2), "D-B": Coverage(1, 1)}
    by_commune = {
        r.unit.code: r.coverage for r in breakdown(world.plan.literacy, world.tree.district_a, 2020)
    }
    assert by_commune == {"C-A1": Coverage(1, 1)}


def test_a_form_awaiting_approval_counts_in_the_provisional_coverage(world):
    collection_ = build_collection(world)
    _drop_a2_figures(world)
    submission = collection_.submissions["C-A2"]
    collection.save_entries(submission, {P: "500", L: "498"}, actor=world.users.district_admin)
    collection.submit(submission, actor=world.users.district_admin)
    targets = [world.plan.literacy]
    overlay = provisional_overlay(targets, world.tree.district_a, 2020)
    (provisional,) = evaluate_targets(targets, world.tree.district_a, 2020, overlay)
    assert provisional.coverage == Coverage(2, 2)
    (approved,) = evaluate_targets(targets, world.tree.district_a, 2020)
    assert approved.coverage == Coverage(1, 2)


@pytest.fixture
def partial(world, client):
    build_collection(world)
    _drop_a2_figures(world)
    client.force_login(world.users.district_admin)
    return client


def test_the_dashboard_never_shows_a_bare_met_on_partial_coverage(world, partial):
    html = partial.get(reverse("dashboard", args=["D-A"]), {"year": 2020}).content.decode()
    row = html[html.index('data-target="literacy-15-60"') :]
    row = row[: row.index("</tr>")]
    assert "Đạt" in row and "1/2 đơn vị báo cáo" in row


def test_the_breakdown_page_says_how_many_units_reported(world, partial):
    url = reverse("target_breakdown", args=["D-A", world.plan.literacy.pk])
    html = partial.get(url, {"year": 2020}).content.decode()
    head = html[: html.index('id="breakdown-title"')]
    assert "Đạt</span>" in head and "> — 1/2 đơn vị báo cáo</span>" in head
    assert 'data-reported="1" data-expected="2">1/2</dd>' in head


def test_the_dashboard_export_says_how_many_units_reported(world, partial):
    response = partial.get(reverse("dashboard_xlsx", args=["D-A"]), {"year": 2020})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    statuses = [row[-1] for row in sheet.iter_rows(values_only=True)]
    with translation.override("vi"):
        assert "Đạt — 1/2 đơn vị báo cáo" in statuses


def test_the_api_returns_the_coverage_of_each_item(world, partial):
    response = partial.get(
        "/api/v1/evaluations/", {"plan": world.plan.plan.pk, "unit": "D-A", "year": 2020}
    )
    rows = {r["clause"]: r for r in response.json()["results"]}
    assert rows["II.1.a"]["status"] == "met"
    assert rows["II.1.a"]["coverage"] == {"reported": 1, "expected": 2}
    # The round owes A1 and A2 a form with the officials; the two bodies hold them.
    assert rows["II.2.a"]["coverage"] == {"reported": 2, "expected": 4}


def test_coverage_takes_the_same_queries_whatever_the_number_of_communes(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from units.models import OrgUnit

    build_collection(world)
    targets = list(world.plan.plan.targets.select_related("indicator"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            evaluate_targets(targets, world.tree.district_a, 2020)
        return len(captured.captured_queries)

    queries()  # warm: the unit's level is read once and kept on the object
    before = queries()
    district = OrgUnit.objects.get(pk=world.tree.district_a.pk)
    for n in range(3, 8):
        district.refresh_from_db()
        commune = OrgUnit.objects.add_child(
            district, {"code": f"C-A{n}", "name": f"Xã A{n}", "level": world.tree.levels["commune"]}
        )
        publish_values(
            [NewValue(commune.pk, world.ind.periods[2020].pk, world.ind.persons.pk, Decimal(100),
                      age_band="15-60")],
            source=DataValue.Source.ENTERED,
        )  # fmt: skip
    assert queries() == before
    assert evaluate_target(world.plan.literacy, world.tree.district_a, 2020).coverage == Coverage(
        2, 7
    )  # five new communes hold persons but no literate persons yet


@pytest.mark.parametrize("per_query", [1, 3])
def test_each_way_of_reading_who_holds_what_gives_the_same_coverage(world, monkeypatch, per_query):
    """A small subtree reads its values unit by unit, the whole tree with no unit condition,
    a large part of it joined by path (indicators.completeness._Subtree): with the batch
    size lowered, the test world's subtrees take the two other roads, same answers."""
    from indicators import completeness

    _drop_a2_figures(world, 2019)
    targets = [world.plan.literacy, world.plan.officials_it, world.plan.level]
    units = [world.tree.country, world.tree.province, world.tree.district_a, world.tree.commune_a1]
    asked = [(t, u, y) for t in targets for u in units for y in (2019, 2020)]
    by_index = [evaluate_target(t, u, y).coverage for t, u, y in asked]
    by_tree = [breakdown(t, world.tree.province, 2020) for t in targets]
    monkeypatch.setattr(completeness, "_UNITS_PER_QUERY", per_query)
    assert [evaluate_target(t, u, y).coverage for t, u, y in asked] == by_index
    assert [breakdown(t, world.tree.province, 2020) for t in targets] == by_tree
