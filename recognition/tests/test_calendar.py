"""Deadlines and their states: the day itself is due, the day after late, a step taken done."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest

from recognition import calendar, criteria

D = datetime.date


@pytest.fixture
def tt25():
    """TT 25's two dates: the dossier by 28/02, the decision by 31/03 of the year after."""
    return SimpleNamespace(deadlines=(
        criteria.Deadline("file", "Nộp hồ sơ", 2, 28, 1),
        criteria.Deadline("decide", "Hoàn thành công nhận", 3, 31, 1),
    ))  # fmt: skip


def test_the_deadlines_of_a_year_fall_in_the_year_after(tt25):
    rows = calendar.steps(tt25, 2024, D(2025, 1, 1))
    assert [(r.step, r.date) for r in rows] == [
        ("file", D(2025, 2, 28)),
        ("decide", D(2025, 3, 31)),
    ]


@pytest.mark.parametrize(
    ("today", "expected"),
    [(D(2025, 2, 27), "due"), (D(2025, 2, 28), "due"), (D(2025, 3, 1), "late")],
)
def test_the_day_itself_is_not_late(tt25, today, expected):
    assert calendar.steps(tt25, 2024, today)[0].state == expected


def test_a_step_reached_is_done_even_after_its_day(tt25):
    reached = calendar.steps_reached("submitted")
    assert reached == {"register", "file"}
    rows = calendar.steps(tt25, 2024, D(2025, 4, 1), reached)
    assert [r.state for r in rows] == ["done", "late"]
    assert calendar.steps_reached("returned") == {"register"}  # back with the unit: not filed
    assert calendar.steps_reached("refused") == {"register", "file", "decide"}
