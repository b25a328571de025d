"""Fixtures: the whole test world of plans.testing (units, plan, values, every role) and a
page of Chromium."""

from __future__ import annotations

import pytest

from core.testing import page  # noqa: F401  (the Chromium fixture)
from plans.testing import build_world


@pytest.fixture
def world(db):
    return build_world()
