"""Factories for tests: one small plan on the tree of units.testing, and the whole test world.

The plan belongs to district A. Its section V has a clause for the education office,
one for the learning association and one for a group of the district's communes; the
home affairs office is only named inside a duty, never a clause party.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from indicators.testing import build_indicators, put_values
from plans.models import (
    BudgetSource,
    Duty,
    LegalReference,
    ObjectiveGroup,
    Plan,
    PlanStatement,
    ResponsibilityClause,
    Target,
    Task,
    TaskGroup,
)
from units.testing import build_tree, build_users


def build_plan(tree: SimpleNamespace, ind: SimpleNamespace) -> SimpleNamespace:
    plan = Plan.objects.create(
        code="kh-a-2020",
        number="08/KH-BCĐ",
        title="Kế hoạch xây dựng xã hội học tập huyện A",
        issued_on=datetime.date(2020, 1, 3),
        issuer="Ban Chỉ đạo huyện A",
        place="Huyện A",
        owner=tree.district_a,
        start_year=2020,
        end_year=2020,
    )
    LegalReference.objects.create(
        plan=plan,
        relation="basis",
        number="89/QĐ-TTg",
        issued_on=datetime.date(2013, 1, 9),
        issuer="Thủ tướng Chính phủ",
        title="Đề án Xây dựng xã hội học tập",
        order=1,
    )
    LegalReference.objects.create(
        plan=plan, relation="implements", number="300/KH-UBND", issuer="UBND thành phố", order=2
    )
    statements = [
        ("I.1", "purpose", "Nâng cao nhận thức về học tập suốt đời."),
        ("I.2", "requirement", "Gắn với các mục tiêu phát triển kinh tế - xã hội."),
        ("II.1", "aim", "Ưu tiên xóa mù chữ cho phụ nữ, trẻ em gái."),
        ("V", "general_duty", "Rà soát, bổ sung kế hoạch của cơ quan, đơn vị."),
        ("V", "closing", "Phản ánh khó khăn về Phòng Giáo dục và Đào tạo."),
    ]
    for order, (section, kind, text) in enumerate(statements):
        PlanStatement.objects.create(plan=plan, section=section, kind=kind, text=text, order=order)
    g1 = ObjectiveGroup.objects.create(plan=plan, number="1", title="Xóa mù chữ", order=1)
    g2 = ObjectiveGroup.objects.create(plan=plan, number="2", title="Tin học", order=2)
    literacy = Target.objects.create(
        plan=plan,
        group=g1,
        code="literacy-15-60",
        clause="II.1.a",
        text="Trên 99% người 15-60 tuổi biết chữ",
        indicator=ind.literacy_rate,
        comparator="gt",
        value=Decimal("99"),
        due_year=2020,
        order=1,
    )
    level = Target.objects.create(
        plan=plan,
        group=g1,
        code="literacy-level",
        clause="II.1.c",
        text="100% xã đạt chuẩn xóa mù chữ mức độ 2",
        indicator=ind.literacy_level,
        comparator="gte",
        value=Decimal("2"),
        scope="every_commune",
        due_year=2020,
        order=2,
    )
    officials_it = Target.objects.create(
        plan=plan,
        group=g2,
        code="officials-it",
        clause="II.2.a",
        text="100% CBCCVC học tin học",
        indicator=ind.officials_it_rate,
        comparator="eq",
        value=Decimal("100"),
        due_year=2020,
        order=3,
    )
    tg1 = TaskGroup.objects.create(plan=plan, number="1", title="Nâng cao nhận thức", order=1)
    tg2 = TaskGroup.objects.create(plan=plan, number="2", title="Học tập suốt đời", order=2)
    task_11 = Task.objects.create(group=tg1, code="1.1", text="Truyền thông", order=1)
    task_12 = Task.objects.create(
        group=tg1, code="1.2", text="Phong trào gia đình hiếu học", order=2
    )
    task_21 = Task.objects.create(group=tg2, code="2.1", text="Tuần lễ học tập suốt đời", order=1)
    BudgetSource.objects.create(
        plan=plan, number="1", kind="state_budget", text="Ngân sách", order=1
    )
    BudgetSource.objects.create(plan=plan, number="2", kind="other", text="Nguồn khác", order=2)

    def clause(number: str, heading: str, **party) -> ResponsibilityClause:
        return ResponsibilityClause.objects.create(
            plan=plan, number=number, heading=heading, order=int(number), **party
        )

    c_edu = clause("1", "Phòng Giáo dục và Đào tạo", unit=tree.education)
    c_assoc = clause("2", "Hội Khuyến học huyện", unit=tree.association)
    c_communes = clause("3", "UBND các xã, thị trấn", group=tree.communes_a)

    def duty(cl, number, role, text, tasks=(), targets=(), units=(), groups=()) -> Duty:
        d = Duty.objects.create(clause=cl, number=number, role=role, text=text)
        d.tasks.set(tasks)
        d.targets.set(targets)
        d.named_units.set(units)
        d.named_groups.set(groups)
        return d

    duties = SimpleNamespace(
        edu_leads=duty(
            c_edu,
            1,
            "lead",
            "Chủ trì, phối hợp với Hội Khuyến học triển khai",
            [task_11],
            [literacy],
            [tree.association],
        ),
        edu_partners=duty(
            c_edu,
            2,
            "partner",
            "Phối hợp với Hội Khuyến học tổ chức Tuần lễ",
            [task_21],
            [],
            [tree.association],
        ),
        assoc_leads=duty(
            c_assoc,
            1,
            "lead",
            "Chủ trì, phối hợp với Phòng Nội vụ vận động",
            [task_12],
            [officials_it],
            [tree.home_affairs],
        ),
        communes_lead=duty(
            c_communes, 1, "lead", "Triển khai kế hoạch trên địa bàn", [task_21], [level], [], []
        ),
    )
    return SimpleNamespace(
        plan=plan,
        groups=(g1, g2),
        literacy=literacy,
        level=level,
        officials_it=officials_it,
        task_groups=(tg1, tg2),
        tasks=(task_11, task_12, task_21),
        clauses=(c_edu, c_assoc, c_communes),
        duties=duties,
    )


def build_world() -> SimpleNamespace:
    """Everything above, in one namespace: world.tree, world.ind, world.plan, world.users."""
    tree = build_tree()
    ind = build_indicators()
    plan = build_plan(tree, ind)
    put_values(tree, ind)
    users = build_users(tree)
    return SimpleNamespace(tree=tree, ind=ind, plan=plan, users=users)
