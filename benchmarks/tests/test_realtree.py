"""The real-tree benchmark's build and check, small: the real map, the two plans, values for
Hải Phòng's communes and every province only (`--scale 0`); every figure XHHT computes for
the benchmark's operations equals DuckDB's."""

from __future__ import annotations

import pytest

pytest.importorskip("duckdb")

from benchmarks import realtree  # noqa: E402
from benchmarks.realtree_run import plan_operations  # noqa: E402
from benchmarks.worker import Timer  # noqa: E402
from monitoring.queries import evaluate_targets  # noqa: E402

pytestmark = pytest.mark.django_db


def test_every_figure_equals_duckdb():
    world = realtree.build_world(0.0, Timer())
    assert world.counts["communes_2024"] == 10_035
    assert world.counts["communes_2025"] == 3_321
    target_sets, ops = plan_operations(world)
    db = realtree.connect(target_sets, ops)
    checked = {}
    for name, (unit, year, tset) in ops.items():
        evaluated = evaluate_targets(target_sets[tset], unit, year)
        checked[name] = realtree.check(evaluated, realtree.evaluate(db, name, tset), year)
    # Every live target is checked (QĐ 1373 d2 and KH 254's district target are void in 2025).
    assert checked == {
        "nation_2025": 14,
        "nation_2024": 15,
        "city_2025": 11,
        "city_2024": 12,
        "dac_khu_2025": 25,
        "commune_2025": 25,
    }
    # The đặc khu is judged on its own levels, with figures (its city always reports).
    dac_khu = evaluate_targets(target_sets["city"], world.units["dac_khu"], 2025)
    assert all(e.num is not None for e in dac_khu if e.status != "void")
