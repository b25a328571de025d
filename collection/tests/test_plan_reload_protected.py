"""A plan reload that would delete a duty with progress reports is refused whole, with a
message naming the duty, and writes nothing."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from collection.models import ReportingRound, TaskReport
from core.datafile import DataFileError
from indicators.models import Period
from plans.loader import load_plan_file
from plans.models import Duty, Plan, Target
from plans.tests.test_loader import TEXT, catalog, line_of, plan, snapshot, units  # noqa: F401
from units.models import OrgUnit

pytestmark = pytest.mark.django_db

DUTY_13_4 = '      - number: 4\n        text: "Vận động gây quỹ'
TARGET = ("comparator: gt\n        value: 99\n", "comparator: gte\n        value: 98\n")
MESSAGE = (
    "duty “V.13.4: Vận động gây quỹ, cấp học bổng cho đối tượng người học có ho” cannot be "
    "removed: there are task progress report records for it in 2 reporting round record(s). "
    "Keep it in the file, or have an administrator remove those task progress report records "
    "first."
)


def _reports(loaded: Plan) -> None:
    """Progress reports on duty V.13.4: two bodies in 2020's round, one in 2021's."""
    duty = Duty.objects.get(clause__plan=loaded, clause__number="13", number=4)
    district = OrgUnit.objects.get(code="317")
    for year, codes in ((2020, ["317-HLHPN", "317-PGDDT"]), (2021, ["317-HLHPN"])):
        period = Period.objects.create(code=str(year), year=year,
                                       start_date=datetime.date(year, 1, 1),
                                       end_date=datetime.date(year, 12, 31))  # fmt: skip
        round_ = ReportingRound.objects.create(
            code=f"bc-{year}", name=f"Báo cáo {year}", owner=district, period=period,
            opens_on=datetime.date(year, 12, 1), due_on=datetime.date(year + 1, 1, 15),
        )  # fmt: skip
        for code in codes:
            TaskReport.objects.create(round=round_, duty=duty, unit=OrgUnit.objects.get(code=code))


def _without_the_duty(tmp_path: Path) -> tuple[Path, str]:
    """The plan file without duty V.13.4, and with a target changed before it is reached."""
    start = TEXT.index(DUTY_13_4)
    end = TEXT.index("  # One paragraph, no bullets", start)
    assert TARGET[0] in TEXT[:start]
    text = (TEXT[:start] + "\n" + TEXT[end:]).replace(*TARGET, 1)
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_a_duty_with_reports_is_kept_and_the_load_writes_nothing(plan, tmp_path, english):  # noqa: F811
    _reports(plan)
    path, text = _without_the_duty(tmp_path)
    before = snapshot(), list(TaskReport.objects.values())
    with pytest.raises(DataFileError) as caught:
        load_plan_file(path)
    (error,) = caught.value.errors
    assert (error.line, error.pointer, error.message) == (line_of(text, "clauses:"), "/clauses",
                                                          MESSAGE)  # fmt: skip
    assert (snapshot(), list(TaskReport.objects.values())) == before
    assert Target.objects.get(plan=plan, code="lit-15-60").comparator == "gt"


def test_the_command_prints_the_refusal_in_vietnamese_without_a_traceback(plan, tmp_path):  # noqa: F811
    _reports(plan)
    path, _text = _without_the_duty(tmp_path)
    err = StringIO()
    with pytest.raises(CommandError, match="không ghi gì"):
        call_command("load_plan", str(path), stderr=err)
    assert (
        "Không thể xóa nhiệm vụ được giao “V.13.4: Vận động gây quỹ" in err.getvalue()
        and "đã có báo cáo tiến độ nhiệm vụ trong 2 đợt báo cáo." in err.getvalue()
    )
    assert Duty.objects.filter(clause__plan=plan, clause__number="13").count() == 4


def test_a_duty_without_reports_is_still_deleted(plan, tmp_path):  # noqa: F811
    path, _text = _without_the_duty(tmp_path)
    load_plan_file(path)
    assert Duty.objects.filter(clause__plan=plan, clause__number="13").count() == 3
