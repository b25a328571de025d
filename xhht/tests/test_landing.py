"""The first page after login: the rules apps register, asked in order, once per session."""

import pytest

from core import landing


@pytest.fixture
def rules(monkeypatch):
    registered = []
    monkeypatch.setattr(landing, "_first_pages", registered)
    return registered


def test_the_first_rule_that_needs_the_user_wins(rules):
    landing.register_first_page(lambda user: None)
    landing.register_first_page(lambda user: "/second/")
    landing.register_first_page(lambda user: "/third/")
    assert landing.first_page(object()) == "/second/"


def test_no_rule_needing_the_user_gives_none(rules):
    landing.register_first_page(lambda user: None)
    assert landing.first_page(object()) is None


def test_a_rule_is_registered_once(rules):
    def page(user):
        return "/x/"

    landing.register_first_page(page)
    landing.register_first_page(page)
    assert rules == [page]


def test_the_collection_app_registers_its_reports_due_page():
    from collection.views import reports_due_page

    assert reports_due_page in landing._first_pages
