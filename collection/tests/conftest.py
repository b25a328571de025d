"""Fixtures: the test world (plans.testing) with a data set and an open round."""

from __future__ import annotations

import pytest

from collection.testing import build_collection
from plans.testing import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def collection(world):
    return build_collection(world)
