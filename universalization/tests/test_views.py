"""The PCGD-XMC pages: a unit's standards, the persons behind a rate, and who may see them."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from units.testing import add_special_zone
from universalization import views
from universalization.models import PersonAccess

PAGES = ("standards", "persons", "persons_xlsx", "tables_xlsx", "standards_xlsx")


def url(name: str, code: str, **query) -> str:
    query = {"year": 2020} | query
    if name.startswith("persons"):
        query = {"rate": "attending_5", "meeting": 1} | query
    return (
        reverse(f"universalization:{name}", args=[code])
        + "?"
        + "&".join(f"{k}={v}" for k, v in query.items())
    )


def page(client, user, name: str, code: str, **query):
    client.force_login(user)
    return client.get(url(name, code, **query))


@pytest.mark.parametrize("name", PAGES)
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, register, name):
    response = client.get(url(name, "C-A1"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def statuses(client, user, codes: list[str], names=PAGES) -> set[int]:
    return {page(client, user, name, code).status_code for name in names for code in codes}


def test_the_district_admin_sees_the_district_and_its_communes(client, register, world):
    admin = world.users.district_admin
    assert statuses(client, admin, ["C-A1", "C-A2"]) == {200}
    assert statuses(client, admin, ["D-A"], ["standards", "tables_xlsx", "standards_xlsx"]) == {200}
    assert statuses(client, admin, ["C-B1", "D-B", "P31"]) == {404}


def test_a_commune_reporter_sees_its_own_commune_and_nothing_else(client, register, world):
    reporter = world.users.commune_reporter
    assert statuses(client, reporter, ["C-A1"]) == {200}
    assert statuses(client, reporter, ["C-A2", "C-B1", "D-A"]) == {404}


def test_a_user_of_another_district_gets_404_on_district_a(client, register, world):
    other = world.users.other_district
    assert statuses(client, other, ["C-A1", "C-A2", "D-A"]) == {404}
    assert statuses(client, other, ["C-B1"]) == {200}


def test_a_unit_reporter_gets_404_on_communes_its_scope_is_its_body(client, register, world):
    assert statuses(client, world.users.unit_reporter, ["C-A1", "D-A", "D-A-GD"]) == {404}


def test_a_viewer_may_see_the_persons_of_a_commune_below_and_the_view_is_recorded(
    client, register, world
):
    response = page(client, world.users.viewer, "persons", "C-A2", rate="literate2", meeting=0)
    assert response.status_code == 200
    assert [p.code for p in response.context["page"].object_list] == ["P0", "P1"]
    access = PersonAccess.objects.get()
    assert (access.user, access.unit, access.action) == (
        world.users.viewer,
        world.tree.commune_a2,
        PersonAccess.Action.LIST,
    )
    assert access.rows == 2
    assert "literate2" in access.what


def test_the_persons_pages_are_for_communes_and_known_rates_only(client, register, world):
    admin = world.users.district_admin
    assert page(client, admin, "persons", "D-A").status_code == 404
    assert page(client, admin, "persons", "C-A1", rate="nonsense").status_code == 404
    assert page(client, admin, "persons_xlsx", "C-A1", rate="").status_code == 404
    assert not PersonAccess.objects.exists()


def test_the_commune_page_gives_every_rate_with_its_count_percentage_and_links(
    client, register, world
):
    response = page(client, world.users.commune_reporter, "standards", "C-A1")
    html = response.content.decode()
    assert "95,0%" in html  # 19 of 20 five-year-olds attend
    persons = reverse("universalization:persons", args=["C-A1"])
    for meeting in (1, 0):
        link = f"{persons}?year=2020&amp;rate=attending_5&amp;meeting={meeting}"
        assert f'href="{link}"' in html
    assert 'data-rate="attending_5" data-status="met"' in html
    assert "status-met" in html
    assert "NĐ 20/2014 Đ6 k2-3" in html  # the rule text of preschool level 1
    assert "nd20-2014" in html and "2014.1" in html  # the rule set in the footer
    rows = {s.code: s for s in response.context["standards"]}
    assert rows["preschool5"].level == 1
    assert rows["literacy"].level == 2
    assert rows["primary"].levels[0].status == "undetermined"


def test_an_empty_cohort_is_explained_not_shown_as_zero_percent(client, register, world):
    html = page(client, world.users.commune_reporter, "standards", "C-A1").content.decode()
    row = html.split('data-rate="grade1_entry_6"')[1].split("</tr>")[0]
    assert 'data-status="undetermined"' in row
    assert 'class="pcgd-empty"' in row
    assert "%</td>" not in row.split("≥")[0]  # no percentage before the threshold


def test_a_prerequisite_level_is_shown_with_its_status(client, register, world):
    html = page(client, world.users.commune_reporter, "standards", "C-A1").content.decode()
    lower_1 = html.split('id="std-lower_secondary-1"')[1].split("</article>")[0]
    assert 'data-requires="primary-1" data-status="undetermined"' in lower_1
    assert 'data-requires="literacy-1" data-status="met"' in lower_1


def test_a_disadvantaged_commune_shows_its_own_thresholds_and_says_so(client, register, world):
    response = page(client, world.users.district_admin, "standards", "C-A2")
    html = response.content.decode()
    assert "data-disadvantaged" in html
    attending = html.split('data-rate="attending_5"')[1].split("</tr>")[0]
    assert "≥ 90%" in attending and "95%" in attending  # the ĐBKK threshold, and the normal one
    literate2 = html.split('data-rate="literate2"')[1].split("</tr>")[0]
    assert "15–35" in literate2  # the ĐBKK ages
    assert 'data-status="not_met"' in html.split('data-rate="literate2"')[1][:40]


def test_the_status_labels_are_vietnamese(client, register, world):
    translation.activate("vi")
    html = page(client, world.users.district_admin, "standards", "C-A2").content.decode()
    assert "Chưa đạt" in html
    html = page(client, world.users.district_admin, "standards", "C-A1").content.decode()
    assert "Đạt" in html


def test_the_commune_page_reads_in_vietnamese_after_the_translations_are_merged(
    client, register, world
):
    """MERGE-DEPENDENT: skips until the lead merges /tmp/xhht/vi-pages.json into the catalogue."""
    translation.activate("vi")
    if translation.gettext("Undetermined") == "Undetermined":
        pytest.skip("the pages' Vietnamese translations are not merged yet")
    html = page(client, world.users.commune_reporter, "standards", "C-A1").content.decode()
    for text in ("Chưa xác định", "Mức độ đạt", "Không có người nào trong độ tuổi này"):
        assert text in html


def test_the_district_page_tabulates_its_communes_and_the_district_summary(
    client, register, world, django_assert_max_num_queries
):
    client.force_login(world.users.district_admin)
    with django_assert_max_num_queries(16):
        response = client.get(url("standards", "D-A"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.unit.code for r in rows] == ["C-A1", "C-A2"]
    assert [r.disadvantaged for r in rows] == [False, True]
    html = response.content.decode()
    assert f'href="{reverse("universalization:standards", args=["C-A1"])}?year=2020"' in html
    (summary,) = response.context["summaries"]
    assert summary.code == "D-A"
    preschool = next(r for r in summary.rows if r.standard == "preschool5")
    assert (preschool.met, preschool.of, preschool.share, preschool.status) == (
        1,
        2,
        90,
        "not_met",
    )
    cell = rows[0].cells[0]
    assert (cell.standard, cell.level, cell.status) == ("preschool5", 1, "met")


def test_a_province_page_summarises_each_of_its_districts(
    client, register, world, django_assert_max_num_queries
):
    client.force_login(world.users.superuser)
    with django_assert_max_num_queries(16):
        response = client.get(url("standards", "P31"))
    assert [s.code for s in response.context["summaries"]] == ["D-A", "D-B"]
    assert [r.unit.code for r in response.context["rows"]] == ["C-A1", "C-A2", "C-B1"]


def test_the_year_is_the_latest_register_year_unless_asked(client, register, world):
    client.force_login(world.users.district_admin)
    response = client.get(reverse("universalization:standards", args=["C-A1"]))
    assert response.context["year"] == 2020
    assert 2020 in response.context["years"]
    response = client.get(reverse("universalization:standards", args=["C-A1"]) + "?year=2019")
    assert response.context["year"] == 2019


def test_the_persons_page_lists_those_counted_or_missing(client, register, world):
    reporter = world.users.commune_reporter
    missing = page(client, reporter, "persons", "C-A1", meeting=0)
    assert [p.code for p in missing.context["page"].object_list] == ["P19"]
    counted = page(client, reporter, "persons", "C-A1", meeting=1)
    assert counted.context["page"].paginator.count == 19
    assert "Người 3" in counted.content.decode()
    accesses = list(PersonAccess.objects.order_by("at", "pk").values_list("action", "rows"))
    assert accesses == [("list", 1), ("list", 19)]


def test_the_persons_page_is_paginated(client, register, world, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 10)
    response = page(client, world.users.commune_reporter, "persons", "C-A1", page=2)
    assert len(response.context["page"].object_list) == 9
    assert "page=1" in response.content.decode()
    assert PersonAccess.objects.get().rows == 9


def test_the_persons_export_is_a_workbook_and_is_recorded(client, register, world):
    response = page(client, world.users.commune_reporter, "persons_xlsx", "C-A1", meeting=1)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "pcgd-C-A1-2020-attending_5-counted.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    data = [row for row in sheet.iter_rows(values_only=True) if isinstance(row[5], int)]
    assert len(data) == 19
    assert data[0][2:6] == ("P0", "Người 0", data[0][4], 2015)
    access = PersonAccess.objects.get()
    assert (access.action, access.rows) == ("export", 19)


def test_the_menu_and_the_dashboard_link_to_the_units_standards(client, register, world):
    client.force_login(world.users.district_admin)
    html = client.get(reverse("dashboard", args=["D-A"])).content.decode()
    link = f'href="{reverse("universalization:standards", args=["D-A"])}"'
    assert html.count(link) == 2  # the menu (the user's unit) and the dashboard (this unit)
    client.force_login(world.users.unit_reporter)
    html = client.get(reverse("dashboard", args=["D-A-GD"])).content.decode()
    assert "/pcgd/" not in html  # a body keeps no register


def test_a_special_zone_shows_in_2020_the_communes_of_the_district_it_came_from(
    client, register, world
):
    add_special_zone(world.tree)
    response = page(client, world.users.superuser, "standards", "DK-A")
    assert response.context["year"] == 2020
    assert [r.unit.code for r in response.context["rows"]] == ["C-A1", "C-A2"]
    assert [s.code for s in response.context["summaries"]] == ["D-A"]
    assert page(client, world.users.superuser, "persons", "DK-A").status_code == 200
