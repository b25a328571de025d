"""Every page that takes the id of a round, submission, task report or evidence checks the
object's unit against the user's scope, for every role: outside scope is a 404 and nothing
is written. Objects named together must belong together (a unit reports only into a round
of its office, or one whose forms it owes)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from collection import services, tasks
from collection.models import Entry, Evidence, ReportingRound, Submission, TaskReport
from collection.periods import period_for_year
from units.models import Membership
from units.testing import add_special_zone

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROLES = ["anonymous", "no_unit", "district_admin", "viewer", "commune_reporter",
         "unit_reporter", "other_district", "zone_viewer", "superuser"]  # fmt: skip


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def scene(world, collection) -> SimpleNamespace:
    """Round A (district A, 2020) with an education office report and its evidence; round
    DK of the special zone that succeeded district A (2025, one form owed by the zone);
    round B of district B (its commune B1 owes a form); and a viewer of the special zone."""
    tree, users = world.tree, world.users
    zone = add_special_zone(tree)
    zone_viewer = get_user_model().objects.create_user("viewer_dk", password="x")
    Membership.objects.create(user=zone_viewer, unit=zone, role=Membership.Role.VIEWER)
    users.zone_viewer = zone_viewer
    data_set = collection.data_set
    round_dk = services.open_round(
        owner=zone, period=period_for_year(2025), code="dk-2025", name="Báo cáo đặc khu 2025",
        opens_on=datetime.date(2025, 12, 1), due_on=datetime.date(2026, 1, 15),
        data_sets=[data_set], units={data_set.pk: [zone]}, actor=users.superuser,
    )  # fmt: skip
    round_b = services.open_round(
        owner=tree.district_b, period=world.ind.periods[2020], code="bc-b-2020",
        name="Báo cáo huyện B", opens_on=datetime.date(2020, 12, 1),
        due_on=datetime.date(2021, 1, 15), data_sets=[data_set], actor=users.other_district,
    )  # fmt: skip
    leads = world.plan.duties.edu_leads
    report = tasks.report_progress(collection.round, leads, tree.education, progress="done",
                                   text="Đã mở lớp", actor=users.unit_reporter)  # fmt: skip
    evidence = tasks.attach_evidence(report, SimpleUploadedFile("a.pdf", PDF_BYTES),
                                     actor=users.unit_reporter)  # fmt: skip
    return SimpleNamespace(
        a=collection.round, dk=round_dk, b=round_b, evidence=evidence, leads=leads,
        communes_lead=world.plan.duties.communes_lead,
        sub_a1=collection.submissions["C-A1"], sub_b1=round_b.submissions.get(),
        sub_dk=round_dk.submissions.get(),
    )  # fmt: skip


def client_for(client, world, role: str):
    if role != "anonymous":
        client.force_login(getattr(world.users, role))
    return client


def written(scene) -> tuple:
    """Everything a write could have changed."""
    return (
        list(TaskReport.objects.order_by("pk").values_list("pk", "round", "unit", "version")),
        Evidence.objects.count(), Entry.objects.count(), TaskReport.history.count(),
        list(Submission.objects.order_by("pk").values_list("pk", "status", "version")),
        ReportingRound.objects.count(),
    )  # fmt: skip


def reads(scene) -> dict[str, tuple[str, set[str]]]:
    """Route name: (address, the roles that may open it); every other role gets 404."""
    a, dk, b = scene.a.pk, scene.dk.pk, scene.b.pk
    office_a = {"district_admin", "viewer", "zone_viewer", "superuser"}
    return {
        "round A": (f"/collection/rounds/{a}/", office_a),
        "round A reminders": (f"/collection/rounds/{a}/reminders.xlsx", office_a),
        "round DK": (f"/collection/rounds/{dk}/", {"zone_viewer", "superuser"}),
        "round B": (f"/collection/rounds/{b}/", {"other_district", "superuser"}),
        "round A progress": (f"/collection/rounds/{a}/tasks/", office_a),
        "round DK progress": (f"/collection/rounds/{dk}/tasks/", {"zone_viewer", "superuser"}),
        "round B progress": (f"/collection/rounds/{b}/tasks/", set()),  # B has no plan
        "body A education": (f"/collection/rounds/{a}/tasks/D-A-GD/",
                             office_a | {"unit_reporter"}),
        "body A commune": (f"/collection/rounds/{a}/tasks/C-A1/", office_a | {"commune_reporter"}),
        # a unit of district A is no unit of the special zone's round, nor of district B's
        "body DK education": (f"/collection/rounds/{dk}/tasks/D-A-GD/", set()),
        "body DK commune": (f"/collection/rounds/{dk}/tasks/C-A1/", set()),
        "body B education": (f"/collection/rounds/{b}/tasks/D-A-GD/", set()),
        "evidence A": (f"/collection/evidence/{scene.evidence.pk}/", office_a | {"unit_reporter"}),
        "form A1": (f"/collection/submissions/{scene.sub_a1.pk}/", office_a | {"commune_reporter"}),
        "form B1": (f"/collection/submissions/{scene.sub_b1.pk}/", {"other_district", "superuser"}),
        "form DK": (f"/collection/submissions/{scene.sub_dk.pk}/", {"zone_viewer", "superuser"}),
        "review A1": (f"/collection/submissions/{scene.sub_a1.pk}/review/",
                      {"district_admin", "superuser"}),
        "review B1": (f"/collection/submissions/{scene.sub_b1.pk}/review/",
                      {"other_district", "superuser"}),
    }  # fmt: skip


def progress(duty, text="Ghi đè") -> dict:
    return {f"progress-{duty.pk}": "in_progress", f"text-{duty.pk}": text,
            f"version-{duty.pk}": "1"}  # fmt: skip


def writes(scene) -> dict[str, tuple[str, dict, set[str]]]:
    """Route name: (address, POST data, the roles whose write is taken)."""
    a, dk, b = scene.a.pk, scene.dk.pk, scene.b.pk
    value = {"value:persons::15-60": "1.000", "version": "1", "save": "1"}
    return {
        "report for education in A": (f"/collection/rounds/{a}/tasks/D-A-GD/",
                                      progress(scene.leads),
                                      {"district_admin", "unit_reporter", "superuser"}),
        "report for commune A1 in A": (f"/collection/rounds/{a}/tasks/C-A1/",
                                       progress(scene.communes_lead, "Xã báo cáo"),
                                       {"district_admin", "commune_reporter", "superuser"}),
        "report for commune A1 in DK": (f"/collection/rounds/{dk}/tasks/C-A1/",
                                        progress(scene.communes_lead), set()),
        "report for education in DK": (f"/collection/rounds/{dk}/tasks/D-A-GD/",
                                       progress(scene.leads), set()),
        "report for education in B": (f"/collection/rounds/{b}/tasks/D-A-GD/",
                                      progress(scene.leads), set()),
        "a duty that is not the commune's": (f"/collection/rounds/{a}/tasks/C-A1/",
                                             progress(scene.leads), set()),
        "form A1": (f"/collection/submissions/{scene.sub_a1.pk}/", value,
                    {"district_admin", "commune_reporter", "superuser"}),
        "form B1": (f"/collection/submissions/{scene.sub_b1.pk}/", value,
                    {"other_district", "superuser"}),
        "form DK": (f"/collection/submissions/{scene.sub_dk.pk}/", value, {"superuser"}),
        "review A1": (f"/collection/submissions/{scene.sub_a1.pk}/review/",
                      {"action": "return", "comment": "Sai"}, {"district_admin", "superuser"}),
        "review B1": (f"/collection/submissions/{scene.sub_b1.pk}/review/",
                      {"action": "return", "comment": "Sai"}, {"other_district", "superuser"}),
    }  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_the_objects_of_its_scope(client, world, scene, role):
    client = client_for(client, world, role)
    wrong = []
    for name, (url, allowed) in reads(scene).items():
        response = client.get(url)
        if role == "anonymous":
            expected = 302
        else:
            expected = 200 if role in allowed else 404
        if response.status_code != expected:
            wrong.append(f"{name}: {response.status_code}, expected {expected}")
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_a_write_outside_the_scope_is_404_and_writes_nothing(client, world, scene, role):
    client = client_for(client, world, role)
    wrong = []
    for name, (url, data, allowed) in writes(scene).items():
        before = written(scene)
        response = client.post(url, data)
        if role == "anonymous":
            refused = response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif role in allowed:
            refused = False
            if response.status_code not in (200, 302):
                wrong.append(f"{name}: {response.status_code}, expected the write to be taken")
        else:
            refused = response.status_code == 404
            if not refused:
                wrong.append(f"{name}: {response.status_code}, expected 404")
        if refused and written(scene) != before:
            wrong.append(f"{name}: something was written")
    assert wrong == []


def test_a_commune_reporter_cannot_write_into_the_special_zones_round(client, world, scene):
    """The issue's case: a report saved into a round owned by the đặc khu."""
    client.force_login(world.users.commune_reporter)
    url = f"/collection/rounds/{scene.dk.pk}/tasks/C-A1/"
    assert client.post(url, progress(scene.communes_lead)).status_code == 404
    assert not TaskReport.objects.filter(round=scene.dk).exists()


def test_the_service_refuses_a_unit_that_does_not_report_in_the_round(world, scene):
    with pytest.raises(services.NotAllowed):
        tasks.report_progress(scene.dk, scene.communes_lead, world.tree.commune_a1,
                              progress="done", text="", actor=world.users.superuser)  # fmt: skip
    with pytest.raises(services.NotAllowed):
        tasks.report_progress(scene.a, scene.leads, world.tree.commune_a1, progress="done",
                              text="", actor=world.users.superuser)  # fmt: skip
    assert not TaskReport.objects.filter(unit=world.tree.commune_a1).exists()


def test_a_unit_that_owes_a_form_of_another_offices_round_reports_into_it(world, scene):
    assert tasks.reports_into(scene.dk, scene.sub_dk.unit)
    assert tasks.reports_into(scene.b, world.tree.commune_b1)
    assert not tasks.reports_into(scene.b, world.tree.education)


@pytest.mark.parametrize(
    "role, round_name",
    [("zone_viewer", "dk"), ("zone_viewer", "a"), ("viewer", "a"), ("superuser", "dk")],
)
def test_every_link_on_a_rounds_progress_page_opens(client, world, scene, role, round_name):
    import re

    client.force_login(getattr(world.users, role))
    page = client.get(f"/collection/rounds/{getattr(scene, round_name).pk}/tasks/")
    assert page.status_code == 200
    links = {h for h in re.findall(r'href="(/[^"#?]*)"', page.text)} - {"/"}
    assert [link for link in links if client.get(link).status_code != 200] == []
