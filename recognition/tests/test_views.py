"""The recognition pages for every role: who sees an application, who may take which step
(404 outside scope, a redirect to the login page for a visitor), a refused form keeps what
was typed, and a stale version says so instead of overwriting."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from recognition import services
from recognition.models import Answer, Application
from recognition.testing import PASSING, PDF_BYTES, TT25, answer_all, build_world
from units.models import Membership

HELD = datetime.date(2025, 1, 10)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # evidence files go under the test's own folder
    w = build_world()
    w.users.other_commune = _user(
        "reporter_a2", w.tree.commune_a2, Membership.Role.COMMUNE_REPORTER
    )
    return w


def _user(name, unit, role):
    from django.contrib.auth import get_user_model

    from core.testing import PASSWORD

    user = get_user_model().objects.create_user(username=name, password=PASSWORD)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


def _register(world, level: int = 1) -> Application:
    return services.register(unit=world.tree.commune_a1, model="cdht_commune", year=2024,
                             level=level, actor=world.users.commune_reporter)  # fmt: skip


def _reviewed(world) -> Application:
    app = _register(world)
    answer_all(app, PASSING[TT25][1], actor=world.users.commune_reporter)
    services.record_review(app, held_on=HELD, chair="Chủ tịch UBND xã", participants="Hội KH",
                           conclusion="Đạt", actor=world.users.commune_reporter)  # fmt: skip
    app.refresh_from_db()
    return app


def _evidence(world, app):
    upload = SimpleUploadedFile("a.pdf", PDF_BYTES)
    return services.attach_evidence(app, upload, indicator="X1.1",
                                    actor=world.users.commune_reporter)  # fmt: skip


def _as(client, user):
    client.force_login(user)
    return client


def _pages(app) -> list[str]:
    return [f"/recognition/{app.pk}/", f"/recognition/{app.pk}/assess/",
            f"/recognition/{app.pk}/dossier/to-trinh.docx"]  # fmt: skip


STEPS = ("assess", "review", "submit", "return", "council", "opinion", "decide", "withdraw")


def test_a_visitor_is_sent_to_the_login_page_from_every_page(world, client):
    app = _register(world)
    evidence = _evidence(world, app)
    urls = ["/recognition/", "/recognition/new/", "/recognition/calendar/",
            f"/units/{world.tree.commune_a1.code}/recognition/",
            f"/recognition/evidence/{evidence.pk}/", *_pages(app)]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for step in STEPS:
        response = client.post(f"/recognition/{app.pk}/{step}/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], step


def test_another_communes_reporter_gets_404_everywhere(world, client):
    app = _register(world)
    evidence = _evidence(world, app)
    _as(client, world.users.other_commune)
    for url in [*_pages(app), f"/recognition/evidence/{evidence.pk}/",
                f"/units/{world.tree.commune_a1.code}/recognition/"]:  # fmt: skip
        assert client.get(url).status_code == 404, url
    for step in STEPS:
        assert client.post(f"/recognition/{app.pk}/{step}/", {"version": app.version}).status_code \
            == 404, step  # fmt: skip
    assert client.post(f"/recognition/evidence/{evidence.pk}/").status_code == 404
    assert app.evidence.count() == 1
    listing = client.get("/recognition/").content.decode()
    assert world.tree.commune_a1.name not in listing


def test_the_unit_reporter_of_a_body_sees_no_communes_application(world, client):
    app = _register(world)
    _as(client, world.users.unit_reporter)
    for url in _pages(app):
        assert client.get(url).status_code == 404, url
    # Its registration form offers its own body for a learning unit, no commune.
    page = client.get("/recognition/new/", {"model": "dvht_district", "year": 2024})
    assert page.status_code == 200
    offered = [ref for ref, _name in page.context["form"].fields["unit"].choices]
    assert offered == [world.tree.education.ref]
    page = client.get("/recognition/new/", {"model": "cdht_commune", "year": 2024})
    assert page.context["form"] is None and page.context["error"]


def test_the_viewer_sees_the_application_and_can_take_no_step(world, client):
    app = _reviewed(world)
    _as(client, world.users.viewer)
    page = client.get(f"/recognition/{app.pk}/")
    assert page.status_code == 200
    assert not any(page.context["actions"].values())
    assert client.get(f"/recognition/{app.pk}/dossier/bao-cao.docx").status_code == 200
    for step in STEPS:
        assert client.post(f"/recognition/{app.pk}/{step}/", {"version": app.version}).status_code \
            == 404, step  # fmt: skip
    app.refresh_from_db()
    assert app.status == Application.Status.REVIEWED


def test_the_commune_registers_and_the_form_offers_only_its_commune(world, client):
    _as(client, world.users.commune_reporter)
    page = client.get("/recognition/new/", {"model": "cdht_commune", "year": 2024})
    form = page.context["form"]
    assert [ref for ref, _n in form.fields["unit"].choices] == [world.tree.commune_a1.ref]
    # TT 25 asks about a difficult area, not the kind of unit.
    assert "difficult_area" in form.fields and "unit_kind" not in form.fields
    response = client.post("/recognition/new/", {"model": "cdht_commune", "year": 2024,
                                                 "unit": world.tree.commune_a1.ref, "level": 1,
                                                 "difficult_area": "on"})  # fmt: skip
    app = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/recognition/{app.pk}/"
    assert (app.level, app.difficult_area, app.office) == (1, True, world.tree.district_a)
    # A second registration for the same year is refused with the service's message.
    again = client.post("/recognition/new/", {
        "model": "cdht_commune", "year": 2024, "unit": world.tree.commune_a1.ref, "level": 2,
    })  # fmt: skip
    assert again.status_code == 200 and again.context["error"]
    assert Application.objects.count() == 1


def test_the_assessment_form_saves_values_of_every_kind(world, client):
    app = _register(world)
    _as(client, world.users.commune_reporter)
    page = client.get(f"/recognition/{app.pk}/assess/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="v-X1.1" value="yes"' in html and 'name="v-X5.1-num"' in html
    assert 'name="v-X5.2-university"' in html and '<select id="v-X4.2"' in html
    assert "≥ 60%" in html  # X5.1's requirement at level 1
    response = client.post(f"/recognition/{app.pk}/assess/", {
        "version": app.version, "v-X1.1": "yes", "v-X1.2": "no", "v-X4.2": "2",
        "v-X5.1-num": "1.200", "v-X5.1-den": "2.000", "x-X5.1": "Theo sổ theo dõi",
        "f-X1.1": SimpleUploadedFile("bien-ban.pdf", PDF_BYTES),
    })  # fmt: skip
    assert response.status_code == 302
    saved = {a.indicator: a for a in Answer.objects.filter(application=app)}
    assert saved["X1.1"].value is True and saved["X1.2"].value is False
    assert saved["X4.2"].value == 2
    assert saved["X5.1"].value == {"num": 1200, "den": 2000}
    assert saved["X5.1"].explanation == "Theo sổ theo dõi"
    assert app.evidence.get().indicator == "X1.1"
    detail = client.get(f"/recognition/{app.pk}/").content.decode()
    assert "bien-ban.pdf" in detail
    assert 'data-indicator="X1.2"' in detail and 'data-status="not_met"' in detail


def test_a_refused_assessment_keeps_what_was_typed_and_saves_nothing(world, client):
    app = _register(world)
    _as(client, world.users.commune_reporter)
    response = client.post(f"/recognition/{app.pk}/assess/", {
        "version": app.version, "v-X1.1": "yes", "v-X5.1-num": "sáu mươi", "v-X5.1-den": "100",
        "x-X5.1": "Ghi chú đã gõ",
    })  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="sáu mươi"' in html and "Ghi chú đã gõ" in html
    assert response.context["error"]
    assert not Answer.objects.filter(application=app, value__isnull=False).exists()
    # A part larger than its whole is refused the same way.
    response = client.post(f"/recognition/{app.pk}/assess/", {
        "version": app.version, "v-X5.1-num": "120", "v-X5.1-den": "100"})  # fmt: skip
    assert response.status_code == 200 and 'value="120"' in response.content.decode()
    assert not Answer.objects.filter(application=app, value__isnull=False).exists()


def test_a_stale_version_says_so_and_keeps_the_typing(world, client):
    app = _register(world)
    old = app.version
    services.save_answers(app, {"X1.1": {"value": True, "explanation": ""}}, version=old,
                          actor=world.users.district_admin)  # fmt: skip
    _as(client, world.users.commune_reporter)
    response = client.post(f"/recognition/{app.pk}/assess/", {
        "version": old, "v-X1.1": "no", "x-X1.1": "Chưa triển khai"})  # fmt: skip
    assert response.status_code == 409
    html = response.content.decode()
    assert "Chưa triển khai" in html and response.context["stale"] and response.context["error"]
    assert Answer.objects.get(application=app, indicator="X1.1").value is True
    app.refresh_from_db()
    assert response.context["version"] == app.version  # saving again is a deliberate choice


def test_the_commune_submits_and_cannot_take_the_offices_steps(world, client):
    app = _reviewed(world)
    _as(client, world.users.commune_reporter)
    page = client.get(f"/recognition/{app.pk}/")
    assert page.context["actions"]["submit"] and not page.context["actions"]["council"]
    # Without the box ticked nothing happens.
    response = client.post(f"/recognition/{app.pk}/submit/", {"version": app.version})
    assert response.status_code == 200
    app.refresh_from_db()
    assert app.status == Application.Status.REVIEWED
    response = client.post(f"/recognition/{app.pk}/submit/",
                           {"version": app.version, "confirm": "on"})  # fmt: skip
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Application.Status.SUBMITTED
    for step in ("return", "council", "opinion", "decide"):
        assert client.post(f"/recognition/{app.pk}/{step}/", {"version": app.version}).status_code \
            == 404, step  # fmt: skip
    assert client.post(f"/recognition/{app.pk}/assess/", {"version": app.version}).status_code \
        == 404  # fmt: skip


def _council_post(n: int, formed_on: str = "2025-03-01") -> dict:
    data = {"formed_on": formed_on, "formation_number": "12/QĐ-PGDĐT", "rows": 7}
    for i in range(n):
        data |= {
            f"name_{i}": f"Thành viên {i + 1}",
            f"position_{i}": "Phòng GD&ĐT",
            f"role_{i}": "chair" if i == 0 else "secretary" if i == 1 else "member",
        }
    return data


def test_the_office_returns_forms_the_council_records_the_opinion_and_decides(world, client):
    app = _reviewed(world)
    app = services.submit(app, version=app.version, actor=world.users.commune_reporter)
    _as(client, world.users.district_admin)
    page = client.get(f"/recognition/{app.pk}/")
    assert page.context["actions"]["council"] and page.context["actions"]["return"]
    assert 'name="name_6"' in page.content.decode()  # at least five rows shown
    # Four members: the service refuses, the names typed stay.
    response = client.post(f"/recognition/{app.pk}/council/", _council_post(4))
    assert response.status_code == 200 and response.context["error"]
    assert 'value="Thành viên 4"' in response.content.decode()
    response = client.post(f"/recognition/{app.pk}/council/", _council_post(5))
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.council.members.count() == 5
    response = client.post(f"/recognition/{app.pk}/opinion/", {
        "version": app.version, "met_on": "2025-03-10", "opinion": "Đủ điều kiện",
        "recommendation": "recognise"})  # fmt: skip
    assert response.status_code == 302
    # A refusal without reasons is refused by the form, the number typed kept.
    response = client.post(f"/recognition/{app.pk}/decide/", {
        "outcome": "refused", "number": "99/PGDĐT", "signed_on": "2025-03-20",
        "signer": "Trưởng phòng"})  # fmt: skip
    assert response.status_code == 200 and 'value="99/PGDĐT"' in response.content.decode()
    response = client.post(f"/recognition/{app.pk}/decide/", {
        "outcome": "recognised", "number": "15/QĐ-PGDĐT", "signed_on": "2025-03-20",
        "signer": "Nguyễn Văn A"})  # fmt: skip
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == Application.Status.RECOGNISED and app.decision.level == 1
    # The commune's page shows the decision, to the commune too.
    _as(client, world.users.commune_reporter)
    page = client.get(f"/units/{world.tree.commune_a1.code}/recognition/").content.decode()
    assert "15/QĐ-PGDĐT" in page and "2027" in page  # valid through 2024 + 3


def test_the_office_returns_the_dossier_with_its_reason(world, client):
    app = _reviewed(world)
    app = services.submit(app, version=app.version, actor=world.users.commune_reporter)
    _as(client, world.users.district_admin)
    response = client.post(f"/recognition/{app.pk}/return/", {"version": app.version})
    assert response.status_code == 200 and not Application.objects.filter(
        status=Application.Status.RETURNED).exists()  # fmt: skip
    response = client.post(f"/recognition/{app.pk}/return/",
                           {"version": app.version, "reason": "Thiếu biên bản họp"})  # fmt: skip
    assert response.status_code == 302
    _as(client, world.users.commune_reporter)
    page = client.get(f"/recognition/{app.pk}/")
    assert "Thiếu biên bản họp" in page.content.decode() and page.context["actions"]["edit"]


def test_dossier_parts_download_and_an_unknown_part_is_404(world, client):
    app = _reviewed(world)
    _as(client, world.users.commune_reporter)
    for part in ("to-trinh", "bao-cao", "tong-hop"):
        response = client.get(f"/recognition/{app.pk}/dossier/{part}.docx")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response.content[:2] == b"PK"
    assert client.get(f"/recognition/{app.pk}/dossier/other.docx").status_code == 404


def test_the_calendar_and_the_list_filter(world, client):
    app = _register(world)
    _as(client, world.users.commune_reporter)
    page = client.get("/recognition/calendar/")
    assert page.status_code == 200
    rows = [r for m in page.context["months"] for r in m["rows"]]
    applications = [r for r in rows if r["application"] is not None]  # not the reminders
    assert applications and all(r["application"].pk == app.pk for r in applications)
    assert all(r["state"] in ("done", "due", "late") for r in rows)
    listing = client.get("/recognition/", {"year": 2024, "status": "registered"})
    assert list(listing.context["applications"]) == [app]
    listing = client.get("/recognition/", {"year": 2023})
    assert list(listing.context["applications"]) == []


def test_the_applicant_downloads_and_removes_a_file_of_evidence(world, client):
    app = _register(world)
    evidence = _evidence(world, app)
    _as(client, world.users.viewer)
    download = client.get(f"/recognition/evidence/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert client.post(f"/recognition/evidence/{evidence.pk}/").status_code == 404
    _as(client, world.users.commune_reporter)
    assess = client.get(f"/recognition/{app.pk}/assess/").content.decode()
    assert f'formaction="/recognition/evidence/{evidence.pk}/"' in assess
    response = client.post(f"/recognition/evidence/{evidence.pk}/", {"remove": "1"})
    assert response.status_code == 302 and response["Location"].endswith("/assess/")
    assert not app.evidence.exists()


def test_an_unconfirmed_criteria_set_is_flagged_on_the_registration_form(world, client):
    from recognition.testing import TT24, content_for, load_set

    content = content_for(TT24) | {"code": "dvht-tinh-thu", "model": "dvht_province",
                                   "status": "provisional"}  # fmt: skip
    load_set("dvht-tinh-thu", content)
    _as(client, world.users.unit_reporter)
    page = client.get("/recognition/new/", {"model": "dvht_province", "year": 2024})
    assert page.context["unconfirmed"] and 'class="unconfirmed"' in page.content.decode()
    # TT 24 asks what kind of unit applies, and whether it is a public body.
    assert {"unit_kind", "public"} <= set(page.context["form"].fields)
    assert "difficult_area" not in page.context["form"].fields
    page = client.get("/recognition/new/", {"model": "dvht_district", "year": 2024})
    assert not page.context["unconfirmed"]


# --- the form's reading of typed values (pure) -----------------------------------------------


def _row(kind, code="Z1.1", inputs=(), answer=None, **more):
    from types import SimpleNamespace

    from recognition.forms import IndicatorRow

    fields = {"code": code, "kind": kind, "inputs": inputs, "prefill": "", "scale": (),
              "scale_labels": {}} | more  # fmt: skip
    indicator = SimpleNamespace(**fields)
    return IndicatorRow(indicator=indicator, answer=answer, threshold="")


def test_typed_values_are_read_as_vietnamese_users_type_them():
    from recognition.forms import read_typed

    rate = _row("rate", inputs=("num", "den"))
    assert read_typed(rate, {"v-Z1.1-num": "1.200", "v-Z1.1-den": "2.000"})["value"] == {
        "num": 1200, "den": 2000}  # fmt: skip
    trend = _row("trend", inputs=("value", "previous"))
    assert read_typed(trend, {"v-Z1.1-value": "12,5", "v-Z1.1-previous": "10"})["value"] == {
        "value": 12.5, "previous": 10}  # fmt: skip
    boolean = _row("boolean")
    assert read_typed(boolean, {"v-Z1.1": "no"})["value"] is False
    assert read_typed(boolean, {"v-Z1.1": ""})["value"] is None  # erases nothing
    assert read_typed(boolean, {"other": "1"}) is None  # the POST does not carry it
    ordinal = _row("ordinal", scale_labels={"2": "mức độ 2", "3": "mức độ 3"})
    assert read_typed(ordinal, {"v-Z1.1": "3"})["value"] == 3
    assert read_typed(ordinal, {"v-Z1.1": "4"})["value"] is None and ordinal.error


@pytest.mark.parametrize("typed", [
    {"v-Z1.1-num": "12,5", "v-Z1.1-den": "100"},  # a count has no decimals
    {"v-Z1.1-num": "-1", "v-Z1.1-den": "100"},
    {"v-Z1.1-num": "101", "v-Z1.1-den": "100"},  # a part larger than the whole
    {"v-Z1.1-num": "", "v-Z1.1-den": "100"},  # half a rate
])  # fmt: skip
def test_a_rate_that_cannot_be_read_is_refused_and_kept_as_typed(typed):
    from recognition.forms import read_typed

    row = _row("rate", inputs=("num", "den"))
    assert read_typed(row, typed)["value"] is None and row.error
    assert [i["text"] for i in row.inputs] == [typed["v-Z1.1-num"], typed["v-Z1.1-den"]]


def test_a_linked_figure_changes_only_when_the_box_is_ticked():
    from types import SimpleNamespace

    from recognition.forms import read_typed

    linked = SimpleNamespace(source="linked", value={"num": 60, "den": 100}, explanation="")
    same = _row("rate", inputs=("num", "den"), answer=linked)
    assert read_typed(same, {"v-Z1.1-num": "60", "v-Z1.1-den": "100"})["value"] is None
    assert not same.error
    changed = _row("rate", inputs=("num", "den"), answer=linked)
    assert read_typed(changed, {"v-Z1.1-num": "70", "v-Z1.1-den": "100"})["value"] is None
    assert changed.error
    ticked = _row("rate", inputs=("num", "den"), answer=linked)
    typed = read_typed(ticked, {"v-Z1.1-num": "70", "v-Z1.1-den": "100", "u-Z1.1": "on"})
    assert typed == {"value": {"num": 70, "den": 100}, "explanation": "", "unlink": True}


def test_one_file_of_the_dossier_stands_for_the_indicators_ticked(world, client):
    app = _register(world)
    _as(client, world.users.commune_reporter)
    upload = SimpleUploadedFile("bao-cao.pdf", PDF_BYTES, content_type="application/pdf")
    form = {"version": app.version, "f-": upload, "covers": ["X1.1", "X2.3"]}
    response = client.post(f"/recognition/{app.pk}/assess/", form)
    assert response.status_code == 302
    assert sorted(app.evidence.values_list("indicator", "name")) == [
        ("", "bao-cao.pdf"), ("X1.1", "bao-cao.pdf"), ("X2.3", "bao-cao.pdf"),
    ]  # fmt: skip
