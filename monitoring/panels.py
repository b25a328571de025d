"""What apps above monitoring show on a unit's dashboard beside its targets; they register here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Panel:
    """A short box on the dashboard: a title, lines of (label, text), and a link to the page
    that holds the whole record."""

    key: str
    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    empty: str = ""  # what to say when there are no lines
    link: str = ""
    link_label: str = ""


# Each takes (user, unit, year) and returns a Panel, or None when it has nothing for the unit.
PanelBuilder = Callable[[object, object, int], "Panel | None"]
_builders: list[PanelBuilder] = []


def register_panel(builder: PanelBuilder) -> PanelBuilder:
    """Add a panel (an app's AppConfig.ready calls this); panels show in the order added."""
    if builder not in _builders:
        _builders.append(builder)
    return builder


def panels(user, unit, year: int) -> list[Panel]:
    """The panels that have something to show for the unit in the year."""
    return [p for p in (builder(user, unit, year) for builder in _builders) if p is not None]
