"""The overlay of pending values: which unit's sums each pending value enters (pure)."""

from __future__ import annotations

from decimal import Decimal

from indicators.provisional import Overlay, PendingValue
from units.models import OrgUnit

DISTRICT, COMMUNE, VILLAGE, OTHER = "0001", "00010001", "000100010001", "0002"
SUMMED, OWN = 1, 2


def unit(pk: int, path: str) -> OrgUnit:
    return OrgUnit(pk=pk, path=path, depth=len(path) // OrgUnit.steplen)


def pending(path: str, element: int, delta: int, year: int = 2020) -> PendingValue:
    return PendingValue(0, path, element, "", "", year, Decimal(delta))


def test_a_summed_value_enters_every_unit_above_it_and_an_own_value_only_its_unit():
    overlay = Overlay([pending(VILLAGE, SUMMED, 5), pending(COMMUNE, OWN, 2)])
    units = [unit(1, DISTRICT), unit(2, COMMUNE), unit(3, VILLAGE), unit(4, OTHER)]
    rows = overlay.rows_for(units, [2020], {SUMMED, OWN}, own_ids={OWN})
    assert rows == {
        1: [(SUMMED, "", "", 2020, Decimal(5))],
        2: [(SUMMED, "", "", 2020, Decimal(5)), (OWN, "", "", 2020, Decimal(2))],
        3: [(SUMMED, "", "", 2020, Decimal(5))],
    }


def test_other_years_and_elements_are_left_out():
    overlay = Overlay([pending(COMMUNE, SUMMED, 5, year=2019), pending(COMMUNE, 9, 1)])
    assert overlay.rows_for([unit(1, DISTRICT)], [2020], {SUMMED}, own_ids=set()) == {}
    assert overlay.touches({SUMMED}, 2019) and not overlay.touches({SUMMED}, 2020)


def test_within_keeps_the_values_of_one_subtree():
    overlay = Overlay([pending(VILLAGE, SUMMED, 5), pending(OTHER, SUMMED, 1)])
    assert [p.unit_path for p in overlay.within(unit(2, COMMUNE)).pending] == [VILLAGE]
    assert not overlay.within(unit(3, "0003")) and not Overlay()
