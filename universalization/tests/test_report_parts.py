"""The report's PCGD-XMC part: the engine's levels per commune, in sentences and Biểu 4."""

from __future__ import annotations

from django.utils import translation

from core.documents import Paragraph
from universalization.queries import current_rules, unit_standards
from universalization.report_parts import standards_part
from universalization.tables import commune_rows


def part_for(world, unit=None):
    with translation.override("vi"):
        return standards_part(world.plan.plan, unit or world.tree.district_a, 2020)


def test_without_a_register_the_report_says_the_standards_are_not_evaluated(world):
    part = part_for(world)
    (paragraph,) = part.blocks
    assert "chưa có người nào của 2 xã năm 2020" in paragraph.text
    assert not part.annexes and part.provenance["rule_sets"][0][0] == "nd20-2014"


def test_each_standard_says_how_many_communes_reach_each_level_and_names_the_others(
    world, register
):
    part = part_for(world)
    rules = current_rules()
    found = unit_standards(world.tree.district_a, 2020, rules)
    rows = commune_rows(found.communes, found.evaluation, found.flags, rules)
    texts = [b.text for b in part.blocks if isinstance(b, Paragraph)]
    for code, standard in rules.standards.items():
        line = next(t for t in texts if t.startswith(standard.name + ":"))
        reached = sum(1 for r in rows for c in r.cells if c.standard == code and c.level >= 1)
        assert f"{reached}/2 xã đạt mức độ 1" in line
        for row in rows:
            cell = next(c for c in row.cells if c.standard == code)
            assert part.figures[f"{row.unit.code}:{code}"] == {
                "level": cell.level,
                "status": cell.status,
            }
            if not cell.level:
                assert row.unit.name[:1].lower() + row.unit.name[1:] in line


def test_biểu_4_has_a_row_per_commune_with_last_and_this_years_level(world, register):
    part = part_for(world)
    (annex,) = part.annexes
    levels, _note, rates, _rule_set = annex.blocks
    assert [row[1] for row in levels.rows] == ["Xã A1", "Thị trấn A2"]
    assert len(levels.columns) == 2 + 2 * len(current_rules().standards)
    assert [row[1] for row in rates.rows] == ["Xã A1", "Thị trấn A2"]
    assert "(19/20)" in " ".join(rates.rows[0])  # 19 of the 20 five-year-olds attend in A1
