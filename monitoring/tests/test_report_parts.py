"""The report's part on targets: the rows of evaluate_plan, by the plan's groups, as blocks."""

from __future__ import annotations

import datetime

from django.utils import translation

from core.documents import Annex, Heading, Paragraph
from monitoring.queries import evaluate_plan, status_text
from monitoring.report_parts import targets_part
from plans.models import Target


def part_for(world, unit=None, year=2020):
    with translation.override("vi"):
        return targets_part(world.plan.plan, unit or world.tree.district_a, year)


def test_every_target_has_a_line_with_the_dashboards_status_under_its_group(world):
    part = part_for(world)
    rows = evaluate_plan(world.plan.plan, world.tree.district_a, 2020)
    headings = [b.text for b in part.blocks if isinstance(b, Heading)]
    assert headings == [f"{g.title} (mục {g.full_number} của Kế hoạch)" for g in world.plan.groups]
    lines = [b.text for b in part.blocks if isinstance(b, Paragraph)]
    with translation.override("vi"):
        for row in rows:
            line = next(x for x in lines if x.startswith(f"{row.target.clause}: {row.target.text}"))
            assert line.endswith(f"{status_text(row)}.")
            assert part.figures[row.target.code]["status"] == row.status


def test_the_summary_names_the_targets_behind(world):
    part = part_for(world)
    assert part.summary[0].startswith("Trong 3 chỉ tiêu của Kế hoạch năm 2020")
    behind = next(s for s in part.summary if s.startswith("Các chỉ tiêu chưa đạt"))
    assert world.plan.level.clause in behind and world.plan.officials_it.clause in behind


def test_the_annexes_hold_every_target_and_every_unit_below(world):
    part = part_for(world)
    table_1, by_unit = (a.blocks[0] for a in part.annexes if isinstance(a, Annex))
    assert [row[1] for row in table_1.rows] == [
        t.clause for t in world.plan.plan.targets.order_by("order")
    ]
    assert table_1.columns[4:6] == ("Kết quả năm 2020", "Kết quả năm 2019")
    assert {row[2] for row in by_unit.rows} >= {"Xã A1", "Thị trấn A2"}
    assert f"{world.plan.literacy.code}@C-A1" in part.figures


def test_partial_coverage_is_stated_in_the_line_and_the_summary(world):
    part = part_for(world, year=2019)  # commune A2 held no 2019 literacy figure
    line = next(b.text for b in part.blocks if b.text.startswith(world.plan.literacy.clause + ":"))
    assert "1/2 đơn vị báo cáo" in line
    assert any(s.startswith("Các chỉ tiêu còn đơn vị chưa báo cáo") for s in part.summary)


def test_a_void_target_shows_no_figure(world):
    Target.objects.filter(pk=world.plan.literacy.pk).update(
        void_from=datetime.date(2020, 1, 1), void_reason="Không còn đối tượng"
    )
    part = part_for(world)
    figures = part.figures[world.plan.literacy.code]
    assert (figures["status"], figures["value"], figures["shown"]) == ("void", None, "—")


def test_the_values_behind_are_the_approved_values_of_the_year(world):
    part = part_for(world)
    assert part.provenance["values"]
    assert all(len(row) == 3 for row in part.provenance["values"])
