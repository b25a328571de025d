"""Factories for tests: a small unit tree and a user of every role.

country → province → district A → communes A1, A2; bodies: education office (A),
                                   learning association (A), home affairs office (A)
                   → district B → commune B1
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

from django.contrib.auth import get_user_model

from core.testing import PASSWORD
from units.models import Membership, OrgUnit, UnitGroup, UnitLevel


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
