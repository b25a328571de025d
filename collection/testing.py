"""A data set and an open round for tests, on top of the test world's world."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

from indicators.models import Disaggregation

from .models import DataSet, DataSetElement, ValidationRule
from .services import open_round


def build_collection(world: SimpleNamespace) -> SimpleNamespace:
    """Data set "commune-annual" (persons and literate persons aged 15-60, officials and
    those learning IT), its rules, and round "bc-2020" of district A for 2020, due 15/01/2021:
    one draft submission for each of communes A1 and A2."""
    ind = world.ind
    band = Disaggregation.objects.create(dimension="age_band", code="15-60", name="Từ 15 đến 60")
    ind.persons.disaggregations.add(band)
    ind.literate.disaggregations.add(band)
    data_set = DataSet.objects.create(
        code="commune-annual", name="Báo cáo số liệu năm của xã", unit_level="commune"
    )
    for order, (element, section, required) in enumerate(
        [
            (ind.persons, "Xóa mù chữ", True),
            (ind.literate, "Xóa mù chữ", True),
            (ind.officials, "Cán bộ, công chức", False),
            (ind.officials_it, "Cán bộ, công chức", False),
        ]
    ):
        DataSetElement.objects.create(
            data_set=data_set, element=element, section=section, order=order, required=required
        )
    rule = ValidationRule.objects.create
    rule(data_set=data_set, code="literate-le-persons", severity="hard", kind="at_most",
         element=ind.literate, other=ind.persons)  # fmt: skip
    rule(data_set=data_set, code="it-rate-le-100", severity="soft", kind="at_most",
         element=ind.officials_it, other=ind.officials, message="Tỷ lệ trên 100%.")  # fmt: skip
    rule(data_set=data_set, code="persons-change", severity="soft", kind="change_within",
         element=ind.persons, share=Decimal("0.2"))  # fmt: skip
    round_ = open_round(
        owner=world.tree.district_a, period=ind.periods[2020], code="bc-2020",
        name="Báo cáo năm 2020", opens_on=datetime.date(2020, 12, 1),
        due_on=datetime.date(2021, 1, 15), data_sets=[data_set],
        actor=world.users.district_admin,
    )  # fmt: skip
    submissions = {s.unit.code: s for s in round_.submissions.select_related("unit")}
    return SimpleNamespace(data_set=data_set, round=round_, submissions=submissions)
