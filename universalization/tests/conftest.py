"""Fixtures: the world of plans.testing, with a small PCGD-XMC register on top."""

from __future__ import annotations

import pytest

from plans.testing import build_world
from universalization.testing import build_register


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def register(world):
    return build_register(world)


@pytest.fixture
def immediate_tasks(settings, tmp_path):
    """Background tasks run in-process when enqueued; uploads kept under tmp_path."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
