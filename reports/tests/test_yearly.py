"""The yearly report composed from the test world: every target with the API's status, the
coverage and void wording, the bodies' own task reports, the snapshot, the short report."""

from __future__ import annotations

import datetime
import io
import json

import docx
import pytest
from django.utils import translation
from rest_framework.test import APIClient

from collection import tasks
from collection.testing import build_collection
from indicators.models import DataValue
from monitoring.queries import evaluate_plan, status_text
from plans.models import Plan, Target
from reports.docx import render
from reports.yearly import NARRATIVE_SECTIONS, NotReporting, compose, draft_narrative


def full_text(composed) -> str:
    """Every paragraph and cell of the rendered .docx, one per line."""
    word = docx.Document(io.BytesIO(render(composed.document)))
    lines = [p.text for p in word.paragraphs]
    for table in word.tables:
        for row in table.rows:
            lines.append(" | ".join(c.text for c in row.cells))
    return "\n".join(lines)


def api_statuses(world, unit: str, year: int) -> dict[str, str]:
    client = APIClient()
    client.force_login(world.users.superuser)
    params = {"plan": world.plan.plan.pk, "unit": unit, "year": year}
    response = client.get("/api/v1/evaluations/", params)
    assert response.status_code == 200
    return {
        row["clause"] + "#" + str(row["target"]): row["status"]
        for row in response.json()["results"]
    }


@pytest.mark.parametrize("code, year", [("D-A", 2020), ("D-A", 2019), ("C-A1", 2020)])
def test_every_target_is_in_the_report_with_the_status_the_evaluations_api_gives(world, code, year):
    unit = next(u for u in vars(world.tree).values() if getattr(u, "code", None) == code)
    composed = compose(world.plan.plan, unit, year)
    statuses = api_statuses(world, code, year)
    targets = list(world.plan.plan.targets.all())
    assert len(statuses) == len(targets) == 3
    figures = composed.snapshot["figures"]["targets"]
    text = full_text(composed)
    with translation.override("vi"):
        for row in evaluate_plan(world.plan.plan, unit, year):
            assert (
                figures[row.target.code]["status"]
                == statuses[f"{row.target.clause}#{row.target.pk}"]
            )
            line = next(
                line
                for line in text.splitlines()
                if line.startswith(f"{row.target.clause}: {row.target.text}")
            )
            assert line.endswith(f"; {status_text(row)}.") or line.endswith(
                f"; {status_text(row)}./."
            )


def test_the_report_says_how_many_units_reported_when_some_did_not(world):
    # In 2019 commune A2 held no literacy figure: 1 of the 2 communes reported.
    text = full_text(compose(world.plan.plan, world.tree.district_a, 2019))
    literacy = next(
        line for line in text.splitlines() if line.startswith(world.plan.literacy.clause)
    )
    assert "1/2 đơn vị báo cáo" in literacy


def test_a_void_target_reads_as_void_never_as_zero(world):
    Target.objects.filter(pk=world.plan.level.pk).update(
        void_from=datetime.date(2020, 7, 1), void_reason="Các xã đã sáp nhập"
    )
    composed = compose(world.plan.plan, world.tree.district_a, 2020)
    text = full_text(composed)
    line = next(
        line for line in text.splitlines() if line.startswith(world.plan.level.clause + ":")
    )
    assert "Hết đối tượng từ 01/07/2020: Các xã đã sáp nhập" in line
    verdict = line.split(" — ", 1)[1]
    assert "%" not in verdict and "không tính số liệu" in verdict
    assert composed.snapshot["figures"]["targets"][world.plan.level.code]["status"] == "void"


def test_the_figures_are_said_to_come_from_approved_data_with_its_date(world):
    composed = compose(world.plan.plan, world.tree.district_a, 2020)
    day = composed.snapshot["approved_through"]
    assert day is not None
    shown = datetime.date.fromisoformat(day).strftime("%d/%m/%Y")
    assert f"Số liệu tổng hợp từ dữ liệu đã duyệt đến ngày {shown}" in full_text(composed)
    assert "Số liệu minh họa" not in full_text(composed)


def test_demo_figures_are_marked_as_illustrative(world):
    DataValue.objects.filter(pk=DataValue.objects.first().pk).update(source=DataValue.Source.DEMO)
    composed = compose(world.plan.plan, world.tree.district_a, 2020)
    assert composed.document.demo
    assert "Số liệu minh họa" in full_text(composed)


def test_the_outline_has_every_section_and_the_annexes_the_body_mentions(world):
    text = full_text(compose(world.plan.plan, world.tree.district_a, 2020))
    for heading in ("I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH", "II. KẾT QUẢ THỰC HIỆN MỤC TIÊU",
                    "III. KẾT QUẢ THỰC HIỆN NHIỆM VỤ, GIẢI PHÁP", "IV. KINH PHÍ",
                    "V. ĐÁNH GIÁ CHUNG", "VI. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2021",
                    "VII. ĐỀ XUẤT, KIẾN NGHỊ"):  # fmt: skip
        assert heading in text.splitlines()
    assert "Chi tiết tại Phụ lục I, Phụ lục II." in text
    assert "CHỈ TIÊU VÀ KẾT QUẢ THỰC HIỆN NĂM 2020" in text
    assert "KẾT QUẢ THỰC HIỆN NHIỆM VỤ THEO CƠ QUAN, ĐƠN VỊ NĂM 2020" in text
    # The plan's own groups head section II, with their numbers from the data.
    group = world.plan.groups[0]
    assert f"1. {group.title} (mục {group.full_number} của Kế hoạch)" in text


def test_the_bodies_task_reports_appear_in_their_own_words(world):
    collection = build_collection(world)
    duty = world.plan.duties.edu_leads
    tasks.report_progress(collection.round, duty, world.tree.education, progress="done",
                          text="Đã mở 12 lớp xóa mù chữ cho 240 học viên.",
                          actor=world.users.superuser)  # fmt: skip
    composed = compose(world.plan.plan, world.tree.district_a, 2020)
    text = full_text(composed)
    assert f"- {duty.text} — đã hoàn thành: Đã mở 12 lớp xóa mù chữ cho 240 học viên." in text
    annex = "| Phòng GD&ĐT | Chủ trì, phối hợp với Hội Khuyến học triển khai | đã hoàn thành |"
    assert annex in text
    assert "chưa báo cáo" in text  # the other duties say they have no report
    assert text.count("1/4 nhiệm vụ đã có báo cáo tiến độ năm 2020") == 1
    assert composed.snapshot["rounds"] == [["bc-2020", "open"]]


def test_a_steering_committee_reports_on_its_own_plan_in_the_advisory_form(world):
    # 08/KH-BCĐ of district A, issued by its steering committee and signed as plan 08 was.
    Plan.objects.filter(pk=world.plan.plan.pk).update(
        signer_title="Trưởng ban; Phó Chủ tịch Ủy ban nhân dân"
    )
    plan = Plan.objects.get(pk=world.plan.plan.pk)
    head = compose(plan, world.tree.district_a, 2020).document.letterhead
    assert (head.parent_name, head.issuer_name, head.symbol) == (
        "UBND Huyện A", "Ban Chỉ đạo huyện A", "BC-BCĐ",
    )  # fmt: skip
    assert head.signer.lines() == ("TRƯỞNG BAN", "PHÓ CHỦ TỊCH ỦY BAN NHÂN DÂN")
    # A commune reporting on the district's plan signs as its own committee.
    commune = compose(plan, world.tree.commune_a1, 2020).document.letterhead
    assert commune.issuer_name == "Ủy ban nhân dân xã A1" and commune.symbol == "BC-UBND"
    assert commune.signer.lines() == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    assert commune.recipients == ("Ủy ban nhân dân huyện A",)


def test_a_body_gets_a_short_report_of_its_own_duties(world):
    composed = compose(world.plan.plan, world.tree.education, 2020)
    text = full_text(composed)
    assert "KẾT QUẢ THỰC HIỆN MỤC TIÊU" not in text
    assert (
        "I. CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH" in text
        and "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ, GIẢI PHÁP" in text
    )
    head = composed.document.letterhead
    assert head.issuer_name == world.tree.education.name and head.parent_name == "UBND Huyện A"
    assert head.recipients == ("Ủy ban nhân dân huyện A",)


def test_a_unit_that_does_not_report_on_the_plan_is_refused(world):
    with pytest.raises(NotReporting, match="không báo cáo theo Kế hoạch 08/KH-BCĐ"):
        compose(world.plan.plan, world.tree.district_b, 2020)


def test_the_narrative_draft_is_built_from_the_data_and_a_written_one_replaces_it(world):
    draft = draft_narrative(world.plan.plan, world.tree.district_a, 2020)
    assert list(draft) == [key for key, _title in NARRATIVE_SECTIONS]
    assert "Trong 3 chỉ tiêu của Kế hoạch năm 2020" in draft["assessment"]
    assert world.plan.level.clause in draft["next_year"]  # not met in 2020
    written = {"funding": "Ngân sách huyện cấp 150 triệu đồng."}
    text = full_text(compose(world.plan.plan, world.tree.district_a, 2020, narrative=written))
    assert "Ngân sách huyện cấp 150 triệu đồng." in text
    assert "Trong 3 chỉ tiêu của Kế hoạch năm 2020" in text  # the sections not written


def test_the_snapshot_is_json_and_names_the_values_rule_sets_and_rounds(world):
    build_collection(world)
    snapshot = compose(world.plan.plan, world.tree.district_a, 2020).snapshot
    assert json.loads(json.dumps(snapshot)) == snapshot
    assert set(snapshot) >= {
        "generated_at",
        "approved_through",
        "figures",
        "values",
        "rule_sets",
        "rounds",
    }
    ids = {row[0] for row in snapshot["values"]}
    held = DataValue.objects.filter(
        period__year=2020, unit__path__startswith=world.tree.district_a.path
    )
    assert ids and ids <= set(held.values_list("pk", flat=True))
    assert snapshot["rule_sets"][0][0] == "nd20-2014"
    assert set(snapshot["figures"]) == {"targets", "pcgd", "completeness", "tasks"}
    assert snapshot["figures"]["completeness"]  # the round's two forms
