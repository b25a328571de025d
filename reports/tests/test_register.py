"""The register of outgoing reports: numbers 01.. per issuer, symbol and year of issue."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone

from reports import services
from reports.models import IssuedReport, RegisterCounter

from .conftest import YEAR, signed
from .test_issue import _text


def _at(day: datetime.date):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    return mock.patch.object(services.timezone, "now", return_value=moment)


def _issue(world, unit=None, actor=None):
    return services.issue(world.plan.plan, unit or world.tree.district_a, YEAR,
                          actor=actor or world.users.district_admin)  # fmt: skip


def test_numbers_run_from_one_in_each_series(world):
    unit = world.tree.district_a
    with transaction.atomic():
        first = [services.take_number(unit, "BC-UBND", 2021) for _ in range(3)]
    assert first == [1, 2, 3]
    # A steering committee issuing under its host keeps its own series (reference §4).
    assert services.take_number(unit, "BC-BCĐ", 2021) == 1
    assert services.take_number(world.tree.district_b, "BC-UBND", 2021) == 1
    assert RegisterCounter.objects.get(unit=unit, symbol="BC-UBND", year=2021).last_number == 3


def test_numbers_restart_on_the_first_of_january(world, office_draft):
    with _at(datetime.date(2021, 12, 30)):
        a = _issue(world)
        b = _issue(world)
    with _at(datetime.date(2022, 1, 1)):
        c = _issue(world)
    assert [(r.register_year, r.number) for r in (a, b, c)] == [(2021, 1), (2021, 2), (2022, 1)]
    assert [r.number_symbol for r in (a, b, c)] == ["01/BC-UBND", "02/BC-UBND", "01/BC-UBND"]
    # The report is on 2020 whatever the year of the register.
    assert {r.year for r in (a, b, c)} == {YEAR}


def test_a_number_already_given_is_skipped_when_the_counter_was_lowered(world, office_draft):
    with _at(datetime.date(2021, 3, 1)):
        first = _issue(world)
        RegisterCounter.objects.filter(pk=RegisterCounter.objects.get().pk).update(last_number=0)
        second = _issue(world)
    assert (first.number, second.number) == (1, 2)


def test_a_changed_symbol_starts_its_own_series(world, office_draft):
    with _at(datetime.date(2021, 3, 1)):
        ubnd = _issue(world)
        services.save_draft(world.plan.plan, world.tree.district_a, YEAR,
                            signed(symbol="BC-BCĐ", issuer_name="BAN CHỈ ĐẠO HUYỆN A",
                                   signer_host_position="PHÓ CHỦ TỊCH ỦY BAN NHÂN DÂN",
                                   signer_authority=[], signer_position="TRƯỞNG BAN"),
                            actor=world.users.district_admin)  # fmt: skip
        committee = _issue(world)
    assert (ubnd.number_symbol, committee.number_symbol) == ("01/BC-UBND", "01/BC-BCĐ")
    assert IssuedReport.objects.count() == 2
    # The advisory form of the signature block: its title over the host position (§4).
    text = _text(bytes(committee.docx))
    assert "01/BC-BCĐ" in text and "TRƯỞNG BAN" in text
    assert text.index("TRƯỞNG BAN") < text.index("PHÓ CHỦ TỊCH ỦY BAN NHÂN DÂN")


@pytest.mark.parametrize("symbol", ["bc ubnd", "BC UBND", "UBND", "KH-UBND"])
def test_a_symbol_that_is_not_a_report_symbol_is_refused(world, symbol):
    with pytest.raises(services.ReportRefused) as refused:
        services.save_draft(world.plan.plan, world.tree.district_a, YEAR,
                            signed(symbol=symbol), actor=world.users.district_admin)  # fmt: skip
    assert "symbol" in refused.value.errors
