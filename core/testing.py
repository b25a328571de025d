"""Factories for tests: a small unit tree, one small plan, data values and a user of every role.

    country → province → district A → communes A1, A2; bodies: education office (A),
                                       learning association (A), home affairs office (A)
                       → district B → commune B1

The plan belongs to district A. Its section V has a clause for the education office,
one for the learning association and one for a group of the district's communes; the
home affairs office is only named inside a duty, never a clause party.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth import get_user_model

from indicators.models import DataElement, DataValue, Indicator, Period
from indicators.services import record_value
from plans.models import (
    BudgetSource,
    Duty,
    LegalReference,
    ObjectiveGroup,
    Plan,
    PlanSection,
    PlanStatement,
    ResponsibilityClause,
    Target,
    Task,
    TaskGroup,
)
from units.models import Membership, OrgUnit, UnitGroup, UnitLevel

PASSWORD = "xhht-test-password-42"


def build_tree() -> SimpleNamespace:
    levels = {
        code: UnitLevel.objects.create(code=code, name=name, rank=rank)
        for rank, (code, name) in enumerate(
            [
                ("country", "Quốc gia"),
                ("province", "Cấp tỉnh"),
                ("district", "Cấp huyện"),
                ("commune", "Cấp xã"),
            ]
        )
    }
    adm = OrgUnit.Kind.ADMINISTRATIVE

    def child(parent: OrgUnit, **fields) -> OrgUnit:
        parent.refresh_from_db()
        return OrgUnit.objects.add_child(parent, fields)

    country = OrgUnit.objects.add_root(
        {"code": "VN", "name": "Việt Nam", "level": levels["country"], "kind": adm}
    )
    province = child(
        country, code="P31", name="Thành phố Hải Phòng", level=levels["province"], kind=adm
    )
    district_a = child(province, code="D-A", name="Huyện A", level=levels["district"], kind=adm)
    commune_a1 = child(district_a, code="C-A1", name="Xã A1", level=levels["commune"], kind=adm)
    commune_a2 = child(
        district_a, code="C-A2", name="Thị trấn A2", level=levels["commune"], kind=adm
    )
    education = child(
        district_a,
        code="D-A-GD",
        name="Phòng Giáo dục và Đào tạo",
        short_name="Phòng GD&ĐT",
        kind=OrgUnit.Kind.DEPARTMENT,
    )
    association = child(
        district_a, code="D-A-KH", name="Hội Khuyến học huyện", kind=OrgUnit.Kind.ASSOCIATION
    )
    home_affairs = child(
        district_a, code="D-A-NV", name="Phòng Nội vụ", kind=OrgUnit.Kind.DEPARTMENT
    )
    district_b = child(province, code="D-B", name="Huyện B", level=levels["district"], kind=adm)
    commune_b1 = child(district_b, code="C-B1", name="Xã B1", level=levels["commune"], kind=adm)
    communes_a = UnitGroup.objects.create(
        code="D-A-XA", name="UBND các xã, thị trấn", owner=district_a
    )
    communes_a.members.set([commune_a1, commune_a2])
    for unit in (country, province, district_a, district_b):
        unit.refresh_from_db()
    return SimpleNamespace(
        levels=levels,
        country=country,
        province=province,
        district_a=district_a,
        commune_a1=commune_a1,
        commune_a2=commune_a2,
        education=education,
        association=association,
        home_affairs=home_affairs,
        district_b=district_b,
        commune_b1=commune_b1,
        communes_a=communes_a,
    )


def build_indicators() -> SimpleNamespace:
    periods = {
        year: Period.objects.create(
            code=str(year),
            year=year,
            start_date=datetime.date(year, 1, 1),
            end_date=datetime.date(year, 12, 31),
        )
        for year in (2019, 2020)
    }

    def element(code: str, name: str, **kw) -> DataElement:
        return DataElement.objects.create(code=code, name=name, **kw)

    persons = element("persons", "Số người trong độ tuổi", unit_of_measure="người")
    literate = element("literate_persons", "Số người biết chữ", unit_of_measure="người")
    level = element(
        "literacy_level",
        "Mức độ đạt chuẩn xóa mù chữ",
        value_type=DataElement.ValueType.LEVEL,
        aggregation=DataElement.Aggregation.NONE,
    )
    officials = element("officials", "Số cán bộ, công chức, viên chức", unit_of_measure="người")
    officials_it = element("officials_it_programme", "Số CBCCVC học tin học")
    literacy_rate = Indicator.objects.create(
        code="literacy_15_60",
        name="Tỷ lệ người 15-60 tuổi biết chữ",
        numerator=literate,
        numerator_age_band="15-60",
        denominator=persons,
        denominator_age_band="15-60",
    )
    literacy_level = Indicator.objects.create(
        code="literacy_level",
        name="Mức độ đạt chuẩn xóa mù chữ",
        kind=Indicator.Kind.LEVEL,
        numerator=level,
        unit_label="",
        decimals=0,
    )
    officials_it_rate = Indicator.objects.create(
        code="officials_it",
        name="Tỷ lệ CBCCVC học tin học",
        numerator=officials_it,
        denominator=officials,
    )
    return SimpleNamespace(
        periods=periods,
        persons=persons,
        literate=literate,
        level=level,
        officials=officials,
        officials_it=officials_it,
        literacy_rate=literacy_rate,
        literacy_level=literacy_level,
        officials_it_rate=officials_it_rate,
    )


SECTIONS_08 = [
    ("purposes_requirements", "I"),
    ("purposes", "1"),
    ("requirements", "2"),
    ("targets", "II"),
    ("tasks", "III"),
    ("budget", "IV"),
    ("implementation", "V"),
]


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
    # Plan 08's layout: its section numbers are data.
    for order, (key, number) in enumerate(SECTIONS_08):
        PlanSection.objects.create(plan=plan, key=key, number=number, order=order)
    g1 = ObjectiveGroup.objects.create(
        plan=plan, section="II", number="1", title="Xóa mù chữ", order=1
    )
    g2 = ObjectiveGroup.objects.create(
        plan=plan, section="II", number="2", title="Tin học", order=2
    )
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
    tg1 = TaskGroup.objects.create(
        plan=plan, section="III", number="1", title="Nâng cao nhận thức", order=1
    )
    tg2 = TaskGroup.objects.create(
        plan=plan, section="III", number="2", title="Học tập suốt đời", order=2
    )
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
            plan=plan, section="V", number=number, heading=heading, order=int(number), **party
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


def put_values(tree: SimpleNamespace, ind: SimpleNamespace) -> None:
    """Figures for 2019 and 2020: A1 and B1 miss the literacy target in 2019, A2 lags on level."""
    rows = [
        (tree.commune_a1, 2019, ind.persons, "15-60", 1000),
        (tree.commune_a1, 2019, ind.literate, "15-60", 985),
        (tree.commune_a1, 2020, ind.persons, "15-60", 1000),
        (tree.commune_a1, 2020, ind.literate, "15-60", 995),
        (tree.commune_a2, 2020, ind.persons, "15-60", 500),
        (tree.commune_a2, 2020, ind.literate, "15-60", 498),
        (tree.commune_a1, 2020, ind.level, "", 2),
        (tree.commune_a2, 2020, ind.level, "", 1),
        (tree.education, 2020, ind.officials, "", 20),
        (tree.education, 2020, ind.officials_it, "", 20),
        (tree.association, 2020, ind.officials, "", 5),
        (tree.association, 2020, ind.officials_it, "", 3),
        (tree.commune_b1, 2020, ind.persons, "15-60", 800),
        (tree.commune_b1, 2020, ind.literate, "15-60", 700),
    ]
    for unit, year, element, age_band, value in rows:
        record_value(
            unit=unit,
            period=ind.periods[year],
            element=element,
            age_band=age_band,
            value=Decimal(value),
            source=DataValue.Source.ENTERED,
        )


def build_users(tree: SimpleNamespace) -> SimpleNamespace:
    User = get_user_model()
    Role = Membership.Role

    def user(username: str, unit: OrgUnit | None = None, role: str | None = None, **kw):
        u = User.objects.create_user(username=username, password=PASSWORD, **kw)
        if unit is not None:
            Membership.objects.create(user=u, unit=unit, role=role)
        return u

    return SimpleNamespace(
        district_admin=user("admin_a", tree.district_a, Role.DISTRICT_ADMIN),
        viewer=user("viewer_a", tree.district_a, Role.VIEWER),
        commune_reporter=user("reporter_a1", tree.commune_a1, Role.COMMUNE_REPORTER),
        unit_reporter=user("reporter_gd", tree.education, Role.UNIT_REPORTER),
        other_district=user("admin_b", tree.district_b, Role.DISTRICT_ADMIN),
        superuser=user("root", is_superuser=True, is_staff=True),
        no_unit=user("nobody"),
    )


def build_world() -> SimpleNamespace:
    """Everything above, in one namespace: world.tree, world.ind, world.plan, world.users."""
    tree = build_tree()
    ind = build_indicators()
    plan = build_plan(tree, ind)
    put_values(tree, ind)
    users = build_users(tree)
    return SimpleNamespace(tree=tree, ind=ind, plan=plan, users=users)


def add_special_zone(tree: SimpleNamespace) -> OrgUnit:
    """District A ends on 30/06/2025 and becomes "Đặc khu A", a commune-level unit under
    the province, as huyện Cát Hải became đặc khu Cát Hải."""
    from units.models import UnitSuccession

    OrgUnit.objects.filter(pk=tree.district_a.pk).update(valid_to=datetime.date(2025, 6, 30))
    tree.district_a.refresh_from_db()
    tree.province.refresh_from_db()
    zone = OrgUnit.objects.add_child(
        tree.province,
        {"code": "DK-A", "name": "Đặc khu A", "level": tree.levels["commune"],
         "valid_from": datetime.date(2025, 7, 1)},
    )  # fmt: skip
    UnitSuccession.objects.create(
        predecessor=tree.district_a, successor=zone, kind="merged",
        effective_on=datetime.date(2025, 7, 1),
    )  # fmt: skip
    return zone
