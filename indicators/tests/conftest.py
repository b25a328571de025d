"""Fixtures: the small world of core.testing (unit tree, plan, values, a user of every role)."""

from __future__ import annotations

import pytest

from core.testing import build_world


@pytest.fixture
def world(db):
    return build_world()
