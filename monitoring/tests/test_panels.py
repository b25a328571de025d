"""The dashboard shows what the apps above it register as panels, and only theirs."""

from __future__ import annotations

import pytest

from monitoring import panels
from monitoring.panels import Panel


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setattr(panels, "_builders", [])
    return panels


def test_a_panel_shows_only_when_its_builder_has_something(registered):
    def recognitions(user, unit, year):
        return Panel("r", "Công nhận", [("2024", f"{unit} mức 1")]) if year == 2024 else None

    registered.register_panel(recognitions)
    registered.register_panel(recognitions)  # registering twice adds it once
    assert [p.lines for p in registered.panels(None, "Xã A", 2024)] == [[("2024", "Xã A mức 1")]]
    assert registered.panels(None, "Xã A", 2023) == []
