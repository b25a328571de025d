"""Fixtures: the small world of plans.testing (district A's plan, its communes and bodies)."""

from __future__ import annotations

import pytest

from plans.testing import build_world


@pytest.fixture
def world(db):
    return build_world()
