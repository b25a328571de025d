"""The plan pages: list, plan text, a body's duties and the responsibility matrix."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

CODE = "kh-a-2020"


def urls() -> list[str]:
    return [
        reverse("plan_list"),
        reverse("plan_detail", args=[CODE]),
        reverse("body_detail", args=[CODE, "D-A-GD"]),
        reverse("responsibility_matrix", args=[CODE]),
    ]


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, world):
    for url in urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "role", ["district_admin", "viewer", "commune_reporter", "unit_reporter", "superuser"]
)
def test_every_role_of_the_district_reads_every_plan_page(client, world, role):
    client.force_login(getattr(world.users, role))
    for url in urls():
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["other_district", "no_unit"])
def test_a_user_outside_the_district_gets_404_on_its_plan(client, world, role):
    client.force_login(getattr(world.users, role))
    for url in urls()[1:]:
        assert client.get(url).status_code == 404, url
    assert CODE not in client.get(reverse("plan_list")).content.decode()


def test_the_plan_list_shows_the_plans_a_user_can_reach(client, world):
    client.force_login(world.users.commune_reporter)
    response = client.get(reverse("plan_list"))
    assert [p.code for p in response.context["plans"]] == [CODE]
    # The commune reads its district's plan but has no access to the district's dashboard.
    assert reverse("dashboard", args=["D-A"]) not in response.content.decode()


def test_the_matrix_link_goes_straight_to_the_only_plan(client, world):
    client.force_login(world.users.viewer)
    response = client.get(reverse("plan_list") + "?show=matrix")
    assert response.url == reverse("responsibility_matrix", args=[CODE])


def test_the_plan_page_shows_every_section_with_anchors(client, world):
    client.force_login(world.users.viewer)
    html = client.get(reverse("plan_detail", args=[CODE])).content.decode()
    for anchor in ("section-1", "section-2", "section-3", "section-4", "section-5"):
        assert f'href="#{anchor}"' in html and f'id="{anchor}"' in html
    assert "03/01/2020" in html and "08/KH-BCĐ" in html
    assert "89/QĐ-TTg" in html and "300/KH-UBND" in html
    for text in (
        "Nâng cao nhận thức về học tập suốt đời.",  # I: purpose
        "Trên 99% người 15-60 tuổi biết chữ",  # II: target
        "Ưu tiên xóa mù chữ cho phụ nữ, trẻ em gái.",  # II: aim
        "Tuần lễ học tập suốt đời",  # III: task
        "Ngân sách",  # IV
        "Rà soát, bổ sung kế hoạch của cơ quan, đơn vị.",  # V: general duty
        "Chủ trì, phối hợp với Hội Khuyến học triển khai",  # V: duty
    ):
        assert text in html, text
    assert 'class="badge role-lead"' in html and 'class="badge role-partner"' in html
    assert reverse("body_detail", args=[CODE, "D-A-KH"]) in html


def test_the_plan_page_reads_in_a_fixed_number_of_queries(client, world):
    client.force_login(world.users.superuser)
    url = reverse("plan_detail", args=[CODE])
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    clause = world.plan.clauses[0]
    for n in range(3, 8):
        clause.duties.create(number=n, role="lead", text=f"Nhiệm vụ {n}").tasks.set(
            world.plan.tasks
        )
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second) == len(first)


def test_a_body_page_lists_duties_it_leads_and_partners_in_including_other_clauses(client, world):
    client.force_login(world.users.unit_reporter)
    response = client.get(reverse("body_detail", args=[CODE, "D-A-KH"]))
    lead = {duty.pk for duty, _i in response.context["as_lead"]}
    partner = {duty.pk for duty, _i in response.context["as_partner"]}
    duties = world.plan.duties
    # Its own clause; and "phối hợp với Hội Khuyến học" in the education office's clause.
    assert lead == {duties.assoc_leads.pk, duties.edu_partners.pk}
    # "Chủ trì, phối hợp với Hội Khuyến học" in the education office's clause.
    assert partner == {duties.edu_leads.pk}
    html = response.content.decode()
    assert "Rà soát, bổ sung kế hoạch của cơ quan, đơn vị." in html  # general duty
    assert {t.code for t in response.context["targets"]} == {"officials-it", "literacy-15-60"}


def test_a_body_only_named_in_a_duty_has_a_page(client, world):
    client.force_login(world.users.viewer)
    response = client.get(reverse("body_detail", args=[CODE, "D-A-NV"]))
    assert [d.pk for d, _i in response.context["as_partner"]] == [world.plan.duties.assoc_leads.pk]


def test_a_group_of_bodies_has_a_page_with_its_duties(client, world):
    client.force_login(world.users.viewer)
    group = client.get(reverse("body_detail", args=[CODE, "D-A-XA"]))
    assert [d.pk for d, _i in group.context["as_lead"]] == [world.plan.duties.communes_lead.pk]


def test_a_body_the_plan_does_not_name_is_404(client, world):
    client.force_login(world.users.superuser)
    assert client.get(reverse("body_detail", args=[CODE, "D-B"])).status_code == 404
    assert client.get(reverse("body_detail", args=[CODE, "NOPE"])).status_code == 404


def test_the_matrix_lists_every_party_with_lead_and_partner_cells(client, world):
    client.force_login(world.users.viewer)
    response = client.get(reverse("responsibility_matrix", args=[CODE]))
    rows = {party.code: cells for party, cells in response.context["rows"]}
    assert list(rows) == ["D-A-GD", "D-A-KH", "D-A-XA", "D-A-NV"]
    assert rows == {
        "D-A-GD": ["lead", "partner"],
        "D-A-KH": ["lead", "lead"],
        "D-A-XA": ["", "lead"],
        "D-A-NV": ["partner", ""],
    }
    html = response.content.decode()
    for code in rows:
        assert reverse("body_detail", args=[CODE, code]) in html
    assert 'data-role="lead"' in html and 'data-role="partner"' in html
    assert "III.1" in html and "III.2" in html


def test_the_matrix_reads_in_a_fixed_number_of_queries(client, world):
    client.force_login(world.users.superuser)
    url = reverse("responsibility_matrix", args=[CODE])
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    clause = world.plan.clauses[1]
    for n in range(2, 6):
        duty = clause.duties.create(number=n, role="partner", text=f"Phối hợp {n}")
        duty.tasks.set(world.plan.tasks)
        duty.named_units.set([world.tree.home_affairs, world.tree.education])
    with CaptureQueriesContext(connection) as second:
        client.get(url)
    assert len(second) == len(first)
