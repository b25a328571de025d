"""What the loser of a race between two requests meets: a refusal it can show, never a 500."""

from __future__ import annotations

import datetime

import pytest

from collection import services
from collection.models import ReportingRound

pytestmark = pytest.mark.django_db


def open_round(world, code: str):
    return services.open_round(
        owner=world.tree.district_a, period=world.ind.periods[2020], code=code,
        name="Báo cáo năm 2020", opens_on=datetime.date(2020, 12, 1),
        due_on=datetime.date(2021, 1, 15), data_sets=[], actor=world.users.district_admin,
    )  # fmt: skip


def test_a_round_opened_twice_with_one_code_refuses_the_second_and_keeps_the_first(world):
    # Both requests passed the form's uniqueness check before either wrote (a double click).
    first = open_round(world, "bc-2020-race")
    with pytest.raises(services.SubmissionRefused) as refused:
        open_round(world, "bc-2020-race")
    assert "đã tồn tại" in str(refused.value)  # the form's message, in Vietnamese
    assert list(ReportingRound.objects.filter(code="bc-2020-race")) == [first]
