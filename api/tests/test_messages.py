"""DRF's own answers come in Vietnamese when the request names no language (api/messages.py)."""

from __future__ import annotations


def test_a_request_without_credentials_is_told_so_in_vietnamese(anonymous):
    response = anonymous.get("/api/v1/plans/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Chưa đăng nhập: yêu cầu không kèm thông tin xác thực."}


def test_a_token_that_is_not_valid_is_told_so_in_vietnamese(anonymous, world):
    response = anonymous.get("/api/v1/plans/", HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401
    assert response.json() == {"detail": "Mã truy cập (token) không hợp lệ."}


def test_a_page_beyond_the_last_is_told_so_in_vietnamese(api):
    response = api("viewer").get("/api/v1/plans/", {"page": 9})
    assert response.status_code == 404
    assert response.json() == {"detail": "Trang không tồn tại."}


def test_a_body_that_is_not_valid_names_each_field_in_vietnamese(api, world):
    from collection.testing import build_collection

    a1 = build_collection(world).submissions["C-A1"]
    url = f"/api/v1/collection/submissions/{a1.pk}/entries/"
    response = api("commune_reporter").put(url, {"values": []}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Yêu cầu không hợp lệ: chưa lưu gì.",
        "fields": {"version": ["Trường này là bắt buộc."]},
    }
