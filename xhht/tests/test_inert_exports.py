"""Every exporter writes hostile text as text: a unit, a target, a person or a data set named
"=HYPERLINK(…)" never becomes a live formula in a downloaded workbook, and the text is kept.

Exporters covered: the dashboard and a target's breakdown (monitoring.exports), the PCGD
tables, standards and persons workbooks (universalization.tables) and the round's reminder
list (collection.views), all through core.xlsx.render.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from openpyxl.xml import LXML

from collection.testing import build_collection
from core import xlsx
from plans.testing import build_world
from universalization.models import Person
from universalization.testing import build_register

HOSTILE = ['=HYPERLINK("http://x","y")', "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture
def world(db):
    return build_world()


def texts_of(content: bytes) -> set[str]:
    book = load_workbook(io.BytesIO(content))
    return {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str)}  # fmt: skip


def kept(hostile: str) -> str:
    """The text a reader gets back: openpyxl's own writer leaves a carriage return bare and
    XML reads it as a line feed ("\\r=1" comes back "\\n=1"); through lxml (installed with
    python-docx) it is escaped and kept. Either way, still text."""
    return hostile if LXML else hostile.replace("\r", "\n")


def assert_inert(response, hostile: str, *, within: str = "") -> None:
    assert response.status_code == 200
    content = response.content
    assert xlsx.formula_cells(content) == []
    expected = kept(within or hostile)
    assert any(expected in text for text in texts_of(content)), texts_of(content)


def rename_unit(world, code: str, name: str) -> None:
    unit = next(u for u in vars(world.tree).values() if getattr(u, "code", None) == code)
    unit.name, unit.short_name = name, ""
    unit.save()


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_dashboard_and_breakdown_keep_a_hostile_target_and_unit_as_text(client, world, hostile):
    target = world.plan.literacy
    target.text = hostile
    target.save()
    rename_unit(world, "C-A1", hostile)
    client.force_login(world.users.district_admin)
    code = world.plan.plan.code
    assert_inert(client.get(f"/units/D-A/dashboard.xlsx?plan={code}&year=2020"), hostile)
    assert_inert(client.get(f"/units/D-A/targets/{target.pk}.xlsx?year=2020"), hostile)


def test_the_goal_equal_to_100_percent_is_text_not_the_number_1(client, world):
    client.force_login(world.users.district_admin)
    response = client.get(f"/units/D-A/dashboard.xlsx?plan={world.plan.plan.code}&year=2020")
    assert_inert(response, "= 100%")


def test_the_dashboards_figures_are_numbers_with_vietnamese_formats(client, world):
    client.force_login(world.users.district_admin)
    response = client.get(f"/units/D-A/dashboard.xlsx?plan={world.plan.plan.code}&year=2020")
    ws = load_workbook(io.BytesIO(response.content)).active
    literacy = next(row for row in ws.iter_rows() if row[0].value == world.plan.literacy.clause)
    figure, numerator = literacy[3], literacy[4]
    assert figure.data_type == "n" and figure.value == pytest.approx(1493 / 1500, abs=5e-4)
    assert figure.number_format == "0.0%"  # 99,5% in a Vietnamese spreadsheet
    assert (numerator.value, numerator.number_format) == (1493, "#,##0")  # 1.493


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_pcgd_workbooks_keep_a_hostile_commune_and_person_as_text(client, world, hostile):
    register = build_register(world)
    rename_unit(world, "C-A1", hostile)
    person = Person.objects.filter(household__commune__code="C-A1").order_by("code").first()
    person.full_name = hostile
    person.save()
    client.force_login(world.users.district_admin)
    year = register.year
    assert_inert(client.get(f"/units/C-A1/pcgd/persons.xlsx?year={year}&rate=attending_5&meeting=1"),
                 hostile)  # fmt: skip
    assert_inert(client.get(f"/units/C-A1/pcgd/tables.xlsx?year={year}"), hostile)
    assert_inert(client.get(f"/units/D-A/pcgd/standards.xlsx?year={year}"), hostile)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_the_reminder_list_keeps_a_hostile_unit_and_data_set_as_text(client, world, hostile):
    collection = build_collection(world)
    rename_unit(world, "C-A1", hostile)
    collection.data_set.name = hostile + " (bộ số liệu)"
    collection.data_set.save()
    client.force_login(world.users.district_admin)
    response = client.get(f"/collection/rounds/{collection.round.pk}/reminders.xlsx")
    assert_inert(response, hostile)
    assert_inert(response, hostile, within=hostile + " (bộ số liệu)")
