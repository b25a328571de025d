"""Password pages in Vietnamese; reset by mail only when the instance can send mail."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from units.testing import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "mua-thu-Ha-Noi-2026"


@pytest.fixture
def user():
    return get_user_model().objects.create_user(
        username="pgd", email="pgd@example.gov.vn", password=PASSWORD
    )


@pytest.fixture
def mail_configured(settings):
    settings.EMAIL_HOST = "mail.example.gov.vn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_without_mail_the_reset_is_not_offered(client, settings):
    settings.EMAIL_HOST = ""
    assert reverse("password_reset") not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("password_reset")).status_code == 404
    response = client.post(reverse("password_reset"), {"email": "pgd@example.gov.vn"})
    assert response.status_code == 404


def test_with_mail_the_login_page_offers_the_reset(client, mail_configured):
    html = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in html
    assert "Quên mật khẩu?" in html


def test_the_reset_page_is_in_vietnamese(client, mail_configured):
    html = client.get(reverse("password_reset")).content.decode()
    assert "Đặt lại mật khẩu" in html
    assert "Reset" not in html


def test_a_reset_sends_a_vietnamese_mail_whose_link_sets_a_new_password(
    client, user, mail_configured
):
    response = client.post(reverse("password_reset"), {"email": "pgd@example.gov.vn"})
    assert response.status_code == 302
    assert "Hãy kiểm tra thư" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["pgd@example.gov.vn"]
    assert "Đặt lại mật khẩu" in message.subject
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Chọn mật khẩu mới" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_unknown_address_sends_nothing_and_says_the_same(client, user, mail_configured):
    response = client.post(reverse("password_reset"), {"email": "ai@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_used_reset_link_is_refused_in_vietnamese(client, mail_configured):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "set-password"]))
    assert "Liên kết này không hợp lệ" in response.content.decode()


def test_the_password_change_pages_are_in_vietnamese(client, user):
    client.force_login(user)
    html = client.get(reverse("password_change")).content.decode()
    assert "Đổi mật khẩu" in html and "Mật khẩu cũ" in html
    data = {
        "old_password": PASSWORD,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    }
    done = client.post(reverse("password_change"), data, follow=True)
    assert "Đã đổi mật khẩu" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_wrong_current_password_is_refused_in_vietnamese(client, user):
    client.force_login(user)
    data = {"old_password": "sai", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    html = client.post(reverse("password_change"), data).content.decode()
    assert "không chính xác" in html


def test_a_too_short_new_password_is_refused_in_vietnamese(client, user):
    client.force_login(user)
    data = {"old_password": PASSWORD, "new_password1": "x7#q", "new_password2": "x7#q"}
    html = client.post(reverse("password_change"), data).content.decode()
    assert "quá ngắn" in html
    assert "too short" not in html
