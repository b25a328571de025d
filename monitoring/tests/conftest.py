"""Fixtures: the test world of plans.testing, and a data set with an open round on it
(collection.testing) for the pages that show provisional figures."""

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
