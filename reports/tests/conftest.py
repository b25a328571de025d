"""Fixtures: the small world of plans.testing (district A's plan, 2020) and its report pages."""

from __future__ import annotations

import pytest
from django.test import Client

from plans.testing import build_world
from reports import services

YEAR = 2020


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def client_as(world):
    """client_as("viewer") is a client logged in as that user of world.users."""

    def client_for(role: str) -> Client:
        client = Client()
        client.force_login(getattr(world.users, role))
        return client

    return client_for


def signed(**fields) -> services.DraftChanges:
    """Changes that make a draft issuable by the people's committee itself (the test plan is
    a steering committee's, whose drafts start in the committee's series BC-BCĐ): its name,
    BC-UBND, a deputy chairman's signature, and the rest as given."""
    base = {
        "parent_name": "",
        "issuer_name": "Ủy ban nhân dân huyện A",
        "symbol": "BC-UBND",
        "signer_name": "Nguyễn Văn A",
        "signer_position": "PHÓ CHỦ TỊCH",
        "signer_authority": ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"],
        "signer_host_position": "",
    }
    cleared = frozenset(name for name, value in (base | fields).items() if value in ("", []))
    return services.DraftChanges(fields=base | fields, cleared=cleared)


@pytest.fixture
def office_draft(world):
    """District A's saved draft for 2020, ready to issue."""
    plan, unit = world.plan.plan, world.tree.district_a
    return services.save_draft(plan, unit, YEAR, signed(), actor=world.users.district_admin)
