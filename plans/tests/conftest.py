"""Fixtures: the small world of plans.testing (unit tree, plan, values, a user of every role)."""

from __future__ import annotations

import pytest

from plans.testing import build_world


@pytest.fixture
def world(db):
    return build_world()
