"""Factories for tests: the CĐHT-xã (TT 25) and ĐVHT-huyện (TT 24) criteria sets, and
applications on the tree of units.testing, taken through the procedure by the services.

The sets come from data/rules/recognition/<code>.yaml when that file exists (the real data);
otherwise from the small inline content below, which carries the thresholds of the issue.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.files.base import ContentFile

from .models import Answer, Application, CriteriaSet, Evidence

RULES = Path(settings.BASE_DIR) / "data" / "rules" / "recognition"
TT25 = "cdht-xa-tt25-2023"
TT24 = "dvht-huyen-tt24-2023"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _bool(code: str, text: str, cite: str) -> dict:
    return {"code": code, "text": text, "cite": cite, "kind": "boolean"}


def _rate(code: str, text: str, cite: str, one, two, **more) -> dict:
    return {"code": code, "text": text, "cite": cite, "kind": "rate", "inputs": ["num", "den"],
            "thresholds": {"1": one, "2": two}, **more}  # fmt: skip


def _ordinal(code: str, text: str, one, two, **more) -> dict:
    return {"code": code, "text": text, "cite": "TT 25/2023/TT-BGDĐT, Điều 6 khoản 4",
            "kind": "ordinal", "thresholds": {"1": one, "2": two}, **more}  # fmt: skip


CITE25 = "TT 25/2023/TT-BGDĐT, Điều 6"
CITE24 = "TT 24/2023/TT-BGDĐT, Điều 6"

TT25_CONTENT: dict = {
    "code": TT25, "version": "1", "model": "cdht_commune",
    "title": "Cộng đồng học tập cấp xã", "source": "TT 25/2023/TT-BGDĐT", "status": "verified",
    "valid_from": 2023, "valid_to": None, "method": "levels", "levels": [1, 2],
    "unit_fields": ["difficult_area"], "missing_evidence": "no_data", "validity_years": 3,
    "pass_mark": None, "cascade": None,
    "deadlines": [
        {"step": "file", "label": "Nộp hồ sơ đề nghị công nhận", "month": 2, "day": 28,
         "year_offset": 1},
        {"step": "decide", "label": "Hoàn thành công nhận", "month": 3, "day": 31,
         "year_offset": 1},
    ],
    "deciders": [
        {"applicant_level": "commune", "office_level": "district",
         "title": "Trưởng phòng Giáo dục và Đào tạo", "valid_from": None,
         "valid_to": "2025-06-30", "confirmed": True, "note": ""},
    ],
    "criteria": [
        {"code": "X1", "name": "Lãnh đạo, chỉ đạo", "indicators": [
            _bool("X1.1", "Tuyên truyền về học tập suốt đời", CITE25),
            _bool("X1.2", "Chương trình, kế hoạch xây dựng xã hội học tập", CITE25),
            _bool("X1.3", "Tuần lễ hưởng ứng học tập suốt đời", CITE25)]},
        {"code": "X2", "name": "Nguồn lực, môi trường", "indicators": [
            _bool("X2.1", "Ngân sách nhà nước", CITE25),
            _bool("X2.2", "Huy động nguồn lực xã hội", CITE25),
            _bool("X2.3", "Cơ chế phối hợp", CITE25)]},
        {"code": "X3", "name": "Hiệu quả hoạt động của các thiết chế", "indicators": [
            _bool("X3.1", "Trung tâm học tập cộng đồng", CITE25),
            _bool("X3.2", "Thư viện xã", CITE25),
            _bool("X3.3", "Trung tâm văn hóa - thể thao", CITE25)]},
        {"code": "X4", "name": "Phổ cập giáo dục, xóa mù chữ", "indicators": [
            _ordinal("X4.1", "Phổ cập giáo dục mầm non cho trẻ em 5 tuổi", 1, 1,
                     prefill="pcgd.preschool5"),
            _ordinal("X4.2", "Phổ cập giáo dục tiểu học", 2, 3, prefill="pcgd.primary"),
            _ordinal("X4.3", "Phổ cập giáo dục trung học cơ sở", 2, 3,
                     prefill="pcgd.lower_secondary"),
            _ordinal("X4.4", "Xóa mù chữ", 1, 2, prefill="xmc")]},
        {"code": "X5", "name": "Hiệu quả xây dựng cộng đồng học tập", "indicators": [
            _rate("X5.1", "Tỷ lệ công dân học tập", CITE25, 60, 80, prefill="citizens.learning"),
            {"code": "X5.2", "text": "Tỷ lệ người được đào tạo chuyên môn kỹ thuật",
             "cite": CITE25, "kind": "compound_rate", "inputs": ["trained", "university", "den"],
             "prefill": "population.trained",
             "reading": "Tỷ lệ đại học trở lên tính trên cùng dân số (UNCONFIRMED)",
             "thresholds": {"1": {"trained": 50, "university": 12},
                            "2": {"trained": 60, "university": 15}},
             "difficult_area": {"1": {"trained": 40, "university": 10},
                                "2": {"trained": 50, "university": 12}}}]},
    ],
}  # fmt: skip

TT24_CONTENT: dict = {
    "code": TT24, "version": "1", "model": "dvht_district",
    "title": "Đơn vị học tập cấp huyện", "source": "TT 24/2023/TT-BGDĐT", "status": "verified",
    "valid_from": 2023, "valid_to": None, "method": "levels", "levels": [1, 2],
    "unit_fields": ["kind", "public"], "missing_evidence": "not_met", "validity_years": 3,
    "pass_mark": None, "cascade": None,
    "deadlines": [
        {"step": "file", "label": "Nộp hồ sơ đề nghị công nhận", "month": 1, "day": 15,
         "year_offset": 1},
        {"step": "decide", "label": "Hoàn thành công nhận", "month": 2, "day": 15,
         "year_offset": 1},
    ],
    "deciders": [
        {"applicant_level": level, "office_level": "district",
         "title": "Chủ tịch Ủy ban nhân dân cấp huyện", "valid_from": None,
         "valid_to": "2025-06-30", "confirmed": True, "note": ""}
        for level in ("commune", "district")
    ],
    "criteria": [
        {"code": "U1", "name": "Điều kiện", "indicators": [
            _bool("U1.1", "Kế hoạch học tập thường xuyên", CITE24),
            _bool("U1.2", "Chế độ đào tạo, bồi dưỡng", CITE24),
            {**_bool("U1.3", "Ngân sách nhà nước cho đào tạo", CITE24),
             "applies": {"public": True}},
            _bool("U1.4", "Chuyển đổi số", CITE24),
            _bool("U1.5", "Tham gia hoạt động học tập suốt đời", CITE24)]},
        {"code": "U2", "name": "Kết quả học tập của thành viên", "indicators": [
            _rate("U2.1", "Chấp hành kỷ luật lao động", CITE24, 90, 95),
            _rate("U2.2", "Hoàn thành chương trình học tập", CITE24, 90, 95),
            _rate("U2.3", "Tham gia chuyển đổi số", CITE24, 90, 95),
            _rate("U2.4", "Trình độ ngoại ngữ", CITE24, 50, 70,
                  applies={"kind_not": ["economic"]}),
            _rate("U2.5", "Lao động tiên tiến", CITE24, 90, 95)]},
        {"code": "U3", "name": "Hiệu quả", "indicators": [
            _rate("U3.1", "Thành viên đạt Công dân học tập", CITE24, 90, 95),
            _bool("U3.2", "Môi trường học tập", CITE24),
            _bool("U3.3", "Tập thể lao động tiên tiến", CITE24),
            {"code": "U3.4", "text": "Mức độ chuyển đổi số", "cite": CITE24, "kind": "ordinal",
             "scale": ["none", "basic", "good"], "thresholds": {"1": "basic", "2": "good"},
             "applies": {"kind": ["school"]}},
            {**_bool("U3.5", "Kiểm định chất lượng", CITE24),
             "applies": {"kind": ["vocational"]}}]},
    ],
}  # fmt: skip

INLINE = {TT25: TT25_CONTENT, TT24: TT24_CONTENT}

# Answers that meet each level of each set (a unit of kind "organisation", not public, not in
# a difficult area).
PASSING = {
    TT25: {
        1: {**{f"X{c}.{i}": True for c in (1, 2, 3) for i in (1, 2, 3)}, "X4.1": 1, "X4.2": 2,
            "X4.3": 2, "X4.4": 1, "X5.1": {"num": 60, "den": 100},
            "X5.2": {"trained": 50, "university": 12, "den": 100}},
        2: {**{f"X{c}.{i}": True for c in (1, 2, 3) for i in (1, 2, 3)}, "X4.1": 1, "X4.2": 3,
            "X4.3": 3, "X4.4": 2, "X5.1": {"num": 80, "den": 100},
            "X5.2": {"trained": 60, "university": 15, "den": 100}},
    },
    TT24: {
        level: {"U1.1": True, "U1.2": True, "U1.4": True, "U1.5": True,
                **{f"U2.{i}": {"num": rate, "den": 100} for i in (1, 2, 3, 5)},
                "U2.4": {"num": low, "den": 100}, "U3.1": {"num": rate, "den": 100},
                "U3.2": True, "U3.3": True}
        for level, rate, low in ((1, 90, 50), (2, 95, 70))
    },
}  # fmt: skip


def content_for(code: str) -> dict:
    """The set's content: the data file when there is one (the real set), else the inline."""
    path = RULES / f"{code}.yaml"
    if path.exists():
        from . import criteria

        content, _definition = criteria.read_file(path)
        return content
    return json.loads(json.dumps(INLINE[code]))


def sha256_of(content: dict) -> str:
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def load_set(code: str, content: dict | None = None) -> CriteriaSet:
    content = content if content is not None else content_for(code)
    return CriteriaSet.objects.create(
        code=content.get("code", code), version=str(content.get("version", "1")),
        model=content["model"], title=content.get("title", code),
        source=content.get("source", ""), status=content.get("status", "verified"),
        valid_from=content.get("valid_from") or 2023, valid_to=content.get("valid_to"),
        content=content, sha256=sha256_of(content),
    )  # fmt: skip


def build_sets() -> SimpleNamespace:
    return SimpleNamespace(tt25=load_set(TT25), tt24=load_set(TT24))


def pdf(name: str = "minh-chung.pdf") -> ContentFile:
    return ContentFile(PDF_BYTES, name=name)


def answer_all(app: Application, values: dict, *, evidence: bool = True, actor=None) -> None:
    """Write answers straight to the rows (a fixture, not the form), with a file of evidence
    for each when asked."""
    for code, value in values.items():
        Answer.objects.update_or_create(
            application=app, indicator=code, defaults={"value": value, "updated_by": actor}
        )
        if evidence and not app.evidence.filter(indicator=code).exists():
            item = Evidence(application=app, indicator=code, name=f"{code}.pdf", kind="pdf",
                            size=len(PDF_BYTES), sha256="0" * 64, uploaded_by=actor)  # fmt: skip
            item.file.save("evidence.pdf", pdf(), save=False)
            item.save()


def application(
    unit, actor, *, code: str = TT25, year: int = 2024, level: int = 1, upto: str = "registered",
    **fields,
) -> Application:  # fmt: skip
    """An application of `unit` registered by `actor` (who must also act for the office to go
    past "submitted": a superuser, say), taken by the services up to the status `upto`."""
    from . import services

    model = {TT25: "cdht_commune", TT24: "dvht_district"}.get(code, code)
    if code == TT24:
        fields.setdefault("unit_kind", "organisation")
    app = services.register(unit=unit, model=model, year=year, level=level, actor=actor, **fields)
    if upto == "registered":
        return app
    answer_all(app, PASSING[code][level], actor=actor)
    held = datetime.date(year + 1, 1, 10)
    services.record_review(app, held_on=held, chair="Chủ tịch UBND", participants="Hội Khuyến học",
                           conclusion="Đạt", actor=actor)  # fmt: skip
    app.refresh_from_db()
    if upto == "reviewed":
        return app
    app = services.submit(app, version=app.version, actor=actor)
    if upto == "submitted":
        return app
    services.form_council(app, formed_on=held, formation_number="01/QĐ-PGDĐT",
                          members=council_members(), actor=actor)  # fmt: skip
    app.refresh_from_db()
    if upto == "in_council":
        return app
    services.record_opinion(app, met_on=held, opinion="Đủ điều kiện", recommendation="recognise",
                            version=app.version, actor=actor)  # fmt: skip
    app.refresh_from_db()
    if upto == "opinion":
        return app
    services.decide(app, outcome="recognised", number="15/QĐ-PGDĐT", signed_on=held,
                    signer="Nguyễn Văn A", actor=actor)  # fmt: skip
    app.refresh_from_db()
    return app


def council_members(n: int = 5) -> list[dict]:
    roles = ["chair", "secretary"] + ["member"] * (n - 2)
    return [{"name": f"Thành viên {i + 1}", "position": "Phòng GD&ĐT", "role": role}
            for i, role in enumerate(roles)]  # fmt: skip


def build_world() -> SimpleNamespace:
    """The tree and users of units.testing with both criteria sets loaded."""
    from units.testing import build_tree, build_users

    tree = build_tree()
    return SimpleNamespace(tree=tree, users=build_users(tree), sets=build_sets())
