"""The admin and the server-error page speak Vietnamese; the error page needs no database."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import path


def broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken_view)]


@pytest.mark.django_db
def test_the_admin_login_page_has_a_vietnamese_title(client):
    html = client.get("/admin/login/").content.decode()
    assert "Quản trị XHHT" in html
    assert "Django administration" not in html and "Quản trị Django" not in html


@pytest.mark.django_db
def test_the_admin_index_is_in_vietnamese(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    html = client.get("/admin/").content.decode()
    assert "Quản trị XHHT" in html and "Dữ liệu và tài khoản" in html


@pytest.mark.urls(__name__)
def test_a_server_error_shows_a_plain_vietnamese_page_without_the_database(settings):
    # No django_db here: any query while answering the error would fail this test.
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="vi"' in html
    assert "Lỗi máy chủ" in html
    assert "Traceback" not in html and "a bug" not in html


@pytest.mark.django_db
def test_a_refused_form_says_so_in_vietnamese_and_saves_nothing(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users.viewer)
    response = client.post("/i18n/setlang/", {"language": "en"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Không gửi được biểu mẫu" in html
    assert "CSRF verification failed" not in html


@pytest.mark.django_db
def test_the_admin_user_page_has_no_english_password_labels(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    html = client.get(f"/admin/auth/user/{root.pk}/change/").content.decode()
    assert "Reset password" not in html and "Toggle navigation" not in html


def test_a_bad_request_shows_a_plain_vietnamese_page(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get("/accounts/login/", HTTP_HOST="not-this-site.example")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Yêu cầu không hợp lệ" in html and "Bad Request" not in html
