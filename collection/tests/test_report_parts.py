"""The report's parts from collection: duties by body with their reports, and approved forms."""

from __future__ import annotations

from django.utils import translation

from collection import tasks
from collection.report_parts import completeness_part, rounds_for, tasks_part
from core.documents import Heading, Paragraph


def test_each_body_heads_its_duties_with_its_state_and_text(world, collection):
    duty = world.plan.duties.edu_leads
    tasks.report_progress(collection.round, duty, world.tree.education, progress="in_progress",
                          text="Đang mở lớp.", actor=world.users.superuser)  # fmt: skip
    with translation.override("vi"):
        part = tasks_part(world.plan.plan, world.tree.district_a, 2020)
    headings = [b.text for b in part.blocks if isinstance(b, Heading)]
    assert headings[0] == world.tree.education.display_name
    lines = [b.text for b in part.blocks if isinstance(b, Paragraph)]
    assert part.summary == [
        "1/4 nhiệm vụ đã có báo cáo tiến độ năm 2020 "
        "(đã hoàn thành 0, đang triển khai 1, chưa triển khai 0)."
    ]
    assert f"- {duty.text} — đang triển khai: Đang mở lớp." in lines
    (annex,) = part.annexes
    assert len(annex.blocks[0].rows) == 4
    assert part.provenance["rounds"] == [["bc-2020", "open"]]


def test_a_body_sees_only_its_own_duties(world, collection):
    with translation.override("vi"):
        part = tasks_part(world.plan.plan, world.tree.association, 2020)
    (annex,) = part.annexes
    owed = {d.duty_id for d in tasks.duties_of(world.plan.plan, world.tree.association)}
    texts = {d.text for d in vars(world.plan.duties).values() if d.pk in owed}
    assert {row[2] for row in annex.blocks[0].rows} == texts
    assert world.plan.duties.assoc_leads.text in texts and len(texts) > 1  # led and partnered
    assert {row[1] for row in annex.blocks[0].rows} == {world.tree.association.display_name}


def test_a_commune_reports_on_the_duties_of_its_group(world, collection):
    with translation.override("vi"):
        part = tasks_part(world.plan.plan, world.tree.commune_a1, 2020)
    headings = [b.text for b in part.blocks if isinstance(b, Heading)]
    assert headings == [world.tree.commune_a1.display_name]
    lines = [b.text for b in part.blocks if isinstance(b, Paragraph)]
    assert lines == [f"- {world.plan.duties.communes_lead.text} — chưa báo cáo."]


def test_without_a_round_the_report_says_none_was_opened(world):
    assert rounds_for(world.plan.plan, world.tree.district_a, 2020) == []
    with translation.override("vi"):
        part = tasks_part(world.plan.plan, world.tree.district_a, 2020)
    assert "Chưa mở đợt báo cáo nào theo Kế hoạch này cho năm 2020." in part.summary[0]


def test_completeness_counts_the_forms_approved_and_names_the_units_behind(world, collection):
    with translation.override("vi"):
        part = completeness_part(world.plan.plan, world.tree.district_a, 2020)
    (paragraph,) = part.blocks
    assert paragraph.text.startswith("Tình hình báo cáo: 0/2 biểu mẫu")
    assert "Chưa được duyệt: Thị trấn A2, Xã A1." in paragraph.text
