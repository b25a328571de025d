"""Task progress pages: a body reports on its duties; the office reads the plan's progress."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from collection.models import Evidence, TaskReport

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def as_user(client, world):
    def log_in(role: str):
        client.force_login(getattr(world.users, role))
        return client

    return log_in


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def body_url(collection, code: str) -> str:
    return f"/collection/rounds/{collection.round.pk}/tasks/{code}/"


def duty_fields(duty, progress="done", text="", version=0, **extra) -> dict:
    """What the page posts for one duty."""
    fields = {f"progress-{duty.pk}": progress, f"text-{duty.pk}": text,
              f"version-{duty.pk}": version}  # fmt: skip
    return fields | {f"{name}-{duty.pk}": value for name, value in extra.items()}


def test_a_body_reporter_reports_progress_with_evidence(as_user, world, collection):
    duty = world.plan.duties.edu_leads
    client = as_user("unit_reporter")
    page = client.get(body_url(collection, "D-A-GD"))
    assert page.status_code == 200 and duty.text in page.content.decode()
    response = client.post(
        body_url(collection, "D-A-GD"),
        duty_fields(duty, text="Đã mở 3 lớp",
                    evidence=SimpleUploadedFile("bien-ban.pdf", PDF_BYTES)),
    )  # fmt: skip
    assert response.status_code == 302
    report = TaskReport.objects.get(duty=duty, unit=world.tree.education)
    assert (report.progress, report.text) == ("done", "Đã mở 3 lớp")
    evidence = Evidence.objects.get(report=report)
    download = client.get(f"/collection/evidence/{evidence.pk}/")
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_a_file_that_is_no_accepted_kind_is_refused_with_a_message(as_user, world, collection):
    duty = world.plan.duties.edu_leads
    client = as_user("unit_reporter")
    response = client.post(
        body_url(collection, "D-A-GD"),
        duty_fields(duty, text="Đã mở 3 lớp", evidence=SimpleUploadedFile("a.pdf", b"a,b\n1,2\n")),
    )
    assert response.status_code == 200 and response.context["error"]
    assert not Evidence.objects.exists()
    assert not TaskReport.objects.exists()  # the report's text is not saved either
    assert "Đã mở 3 lớp" in response.text  # and the page keeps it


def test_the_office_reads_progress_by_task_group_and_by_body(as_user, world, collection):
    as_user("unit_reporter").post(
        body_url(collection, "D-A-GD"), duty_fields(world.plan.duties.edu_leads, text="Xong")
    )
    page = as_user("district_admin").get(f"/collection/rounds/{collection.round.pk}/tasks/")
    assert page.status_code == 200
    by_group = {number: counts for number, _title, counts in page.context["by_group"]}
    assert by_group["1"]["done"] == 1


@pytest.mark.parametrize("role", ["other_district", "commune_reporter"])
def test_a_user_outside_the_body_gets_404(as_user, world, collection, role):
    client = as_user(role)
    assert client.get(body_url(collection, "D-A-GD")).status_code == 404
    fields = duty_fields(world.plan.duties.edu_leads)
    assert client.post(body_url(collection, "D-A-GD"), fields).status_code == 404


def test_a_viewer_reads_but_cannot_report(as_user, world, collection):
    client = as_user("viewer")
    assert client.get(body_url(collection, "D-A-GD")).status_code == 200
    fields = duty_fields(world.plan.duties.edu_leads)
    assert client.post(body_url(collection, "D-A-GD"), fields).status_code == 404


def test_evidence_outside_the_scope_is_404(as_user, world, collection):
    as_user("unit_reporter").post(
        body_url(collection, "D-A-GD"),
        duty_fields(world.plan.duties.edu_leads, evidence=SimpleUploadedFile("b.pdf", PDF_BYTES)),
    )
    evidence = Evidence.objects.get()
    assert as_user("other_district").get(f"/collection/evidence/{evidence.pk}/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, collection):
    response = client.get(f"/collection/rounds/{collection.round.pk}/tasks/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- one form for the page: nothing typed is lost ----------------------------------------


def post_page(client, collection, *duty_posts) -> object:
    data = {}
    for fields in duty_posts:
        data |= fields
    return client.post(body_url(collection, "D-A-GD"), data)


def reports(world) -> dict:
    return {r.duty_id: (r.progress, r.text, r.version)
            for r in TaskReport.objects.filter(unit=world.tree.education)}  # fmt: skip


def test_one_save_keeps_what_was_typed_in_every_duty(as_user, world, collection):
    leads, partners = world.plan.duties.edu_leads, world.plan.duties.edu_partners
    response = post_page(
        as_user("unit_reporter"), collection,
        duty_fields(leads, text="Mở 3 lớp"), duty_fields(partners, "in_progress", "Chuẩn bị"),
    )  # fmt: skip
    assert response.status_code == 302
    assert reports(world) == {leads.pk: ("done", "Mở 3 lớp", 1),
                              partners.pk: ("in_progress", "Chuẩn bị", 1)}  # fmt: skip


def test_a_duty_left_as_it_was_loaded_is_not_reported(as_user, world, collection):
    leads, partners = world.plan.duties.edu_leads, world.plan.duties.edu_partners
    post_page(as_user("unit_reporter"), collection, duty_fields(leads, text="Xong"),
              duty_fields(partners, "not_started", ""))  # fmt: skip
    assert set(reports(world)) == {leads.pk}


def test_a_duty_changed_by_someone_else_refuses_the_save_and_keeps_all_typing(
    as_user, world, collection
):
    leads, partners = world.plan.duties.edu_leads, world.plan.duties.edu_partners
    client = as_user("unit_reporter")
    post_page(client, collection, duty_fields(leads, "in_progress", "Bản đầu"))
    # the office changes the duty after the reporter loaded the page at version 1
    post_page(as_user("district_admin"), collection, duty_fields(leads, "done", "Bản của phòng", 1))
    client = as_user("unit_reporter")
    response = post_page(client, collection, duty_fields(leads, "done", "Bản của tôi", 1),
                         duty_fields(partners, "in_progress", "Việc phối hợp"))  # fmt: skip
    assert response.status_code == 200
    assert reports(world) == {leads.pk: ("done", "Bản của phòng", 2)}  # nothing written
    page = response.text
    assert "Bản của tôi" in page and "Việc phối hợp" in page and "Bản của phòng" in page
    assert f'name="version-{leads.pk}" value="2"' in page
    # saving again, having seen the other text, wins
    again = post_page(client, collection, duty_fields(leads, "done", "Bản của tôi", 2),
                      duty_fields(partners, "in_progress", "Việc phối hợp"))  # fmt: skip
    assert again.status_code == 302
    assert reports(world)[leads.pk] == ("done", "Bản của tôi", 3)


def test_a_duty_someone_else_changed_but_this_page_left_alone_keeps_their_text(
    as_user, world, collection
):
    leads, partners = world.plan.duties.edu_leads, world.plan.duties.edu_partners
    post_page(as_user("unit_reporter"), collection, duty_fields(leads, "in_progress", "Bản đầu"))
    post_page(as_user("district_admin"), collection, duty_fields(leads, "done", "Bản mới", 1))
    response = post_page(as_user("unit_reporter"), collection,
                         duty_fields(leads, "in_progress", "Bản đầu", 1),
                         duty_fields(partners, "done", "Đã phối hợp"))  # fmt: skip
    assert response.status_code == 302
    assert reports(world) == {leads.pk: ("done", "Bản mới", 2),
                              partners.pk: ("done", "Đã phối hợp", 1)}  # fmt: skip


def test_a_first_report_made_meanwhile_by_someone_else_is_not_overwritten(
    as_user, world, collection
):
    leads = world.plan.duties.edu_leads
    post_page(as_user("district_admin"), collection, duty_fields(leads, "done", "Của phòng"))
    response = post_page(as_user("unit_reporter"), collection,
                         duty_fields(leads, "in_progress", "Của tôi", 0))  # fmt: skip
    assert response.status_code == 200 and response.context["error"]
    assert reports(world) == {leads.pk: ("done", "Của phòng", 1)}


def test_text_typed_in_decomposed_unicode_is_stored_composed(as_user, world, collection):
    import unicodedata

    leads = world.plan.duties.edu_leads
    typed = unicodedata.normalize("NFD", "Tuyên truyền ở Nghĩa Lộ")
    post_page(as_user("unit_reporter"), collection, duty_fields(leads, text=typed))
    assert reports(world)[leads.pk][1] == unicodedata.normalize("NFC", typed)


# --- the way to the page, and links that open ---------------------------------------------


def links_on(html: str) -> set[str]:
    import re

    return {h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"#]*)"', html)} - {"/"}


def test_a_body_reporter_finds_its_task_page_on_the_reports_page(as_user, world, collection):
    page = as_user("unit_reporter").get("/collection/")
    assert f'href="{body_url(collection, "D-A-GD")}"' in page.text
    # a commune reports on the duty its group of communes holds
    page = as_user("commune_reporter").get("/collection/")
    assert f'href="{body_url(collection, "C-A1")}"' in page.text


@pytest.mark.parametrize(
    "role, code",
    [("unit_reporter", "D-A-GD"), ("commune_reporter", "C-A1"), ("viewer", "D-A-GD"),
     ("district_admin", "D-A-GD")],
)  # fmt: skip
def test_every_link_on_a_body_page_opens_for_its_user(as_user, world, collection, role, code):
    client = as_user(role)
    client.post(body_url(collection, "D-A-GD"), duty_fields(world.plan.duties.edu_leads))
    page = client.get(body_url(collection, code))
    assert page.status_code == 200
    for link in links_on(page.text):
        if link.startswith("/static/"):
            continue
        assert client.get(link).status_code == 200, link


def test_the_office_has_its_round_links_on_the_body_page(as_user, world, collection):
    page = as_user("viewer").get(body_url(collection, "D-A-GD")).text
    assert f'href="/collection/rounds/{collection.round.pk}/tasks/"' in page
    page = as_user("unit_reporter").get(body_url(collection, "D-A-GD")).text
    assert f'href="/collection/rounds/{collection.round.pk}/tasks/"' not in page
