"""Fixtures: the small world of plans.testing, a second plan owned by district B, and API
clients logged in as any user of the world."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from plans.models import ObjectiveGroup, Plan, Target
from plans.testing import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Anonymous requests are throttled through the cache; start every test afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def plan_b(world):
    """A plan of district B with one literacy target: district A's users must not see it."""
    plan = Plan.objects.create(
        code="kh-b-2020", number="12/KH-BCĐ", title="Kế hoạch xây dựng xã hội học tập huyện B",
        issued_on=datetime.date(2020, 2, 1), issuer="Ban Chỉ đạo huyện B",
        owner=world.tree.district_b, start_year=2020, end_year=2020,
    )  # fmt: skip
    group = ObjectiveGroup.objects.create(plan=plan, number="1", title="Xóa mù chữ", order=1)
    Target.objects.create(
        plan=plan, group=group, code="literacy-15-60", clause="II.1.a",
        text="Trên 99% người 15-60 tuổi biết chữ", indicator=world.ind.literacy_rate,
        comparator="gt", value=Decimal("99"), due_year=2020, order=1,
    )  # fmt: skip
    return plan


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def api(world):
    """api("viewer") is a client logged in (by session) as that user of world.users."""

    def client_for(role: str) -> APIClient:
        client = APIClient()
        client.force_login(getattr(world.users, role))
        return client

    return client_for
