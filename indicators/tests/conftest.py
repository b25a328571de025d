"""Fixtures: the test tree of units.testing with its indicators, figures and users (no plan:
plans sit above the value store)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from indicators.testing import build_indicators, put_values
from units.testing import build_tree, build_users


@pytest.fixture
def world(db):
    tree = build_tree()
    ind = build_indicators()
    put_values(tree, ind)
    return SimpleNamespace(tree=tree, ind=ind, users=build_users(tree))
