"""Expectations.coverage (set operations) against coverage.count (the rule, unit by unit)."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.completeness import Expectations
from indicators.coverage import Coverage, count

# A small tree: two provinces (0001, 0002) of three communes each, and a body (0003).
PATHS = {
    1: "0001",
    2: "00010001",
    3: "00010002",
    4: "00010003",
    5: "0002",
    6: "00020001",
    7: "00020002",
    8: "00020003",
    9: "0003",
}
ELEMENTS = (101, 102, 103, 104)
unit_sets = st.frozensets(st.sampled_from(sorted(PATHS)))


def root(pk: int):
    return SimpleNamespace(pk=pk, path=PATHS[pk])


def reference(expected, held, own_ids, roots, element_ids) -> Coverage:
    """The rule as docs/plan-data.md says it, unit by unit: coverage.count."""
    prefixes = tuple(r.path for r in roots)
    owed = {}
    for e in element_ids:
        if e in own_ids:
            owed[e] = {r.pk for r in roots}
        else:
            owed[e] = {u for u in expected.get(e, ()) if PATHS[u].startswith(prefixes)}
    pairs = {(u, e) for e, units in held.items() for u in units}
    return count(owed, pairs)


def inside(pks, roots) -> frozenset[int]:
    return frozenset(pk for pk in pks if PATHS[pk].startswith(tuple(r.path for r in roots)))


@settings(max_examples=300, deadline=None)
@given(
    expected=st.dictionaries(st.sampled_from(ELEMENTS), unit_sets),
    held=st.dictionaries(st.sampled_from(ELEMENTS), unit_sets),
    own_ids=st.frozensets(st.sampled_from(ELEMENTS), max_size=1),
    roots=st.sampled_from([[1], [5], [1, 5], [2], [2, 6], [9], [1, 5, 9]]),
    child=st.one_of(st.none(), unit_sets),
    element_ids=st.frozensets(st.sampled_from(ELEMENTS), min_size=1),
)
def test_set_operations_count_as_the_rule_does(expected, held, own_ids, roots, child, element_ids):
    roots = [root(pk) for pk in roots]
    # Expectations hold the units inside the roots they were read for (a query's subtree
    # filter); a breakdown then asks for a child's roots inside them.
    expected = {e: inside(units, roots) for e, units in expected.items()}
    asked = roots if child is None else [root(pk) for pk in sorted(inside(child, roots))]
    found = Expectations(
        expected=expected,
        paths=dict(PATHS),
        own_ids=set(own_ids),
        held={e: frozenset(units) for e, units in held.items()},
        prefixes=tuple(sorted(r.path for r in roots)),
    ).coverage(asked, set(element_ids))
    assert found == reference(expected, held, own_ids, asked, element_ids)


def test_a_unit_owing_two_sets_fails_when_it_misses_one():
    # Commune 2 owes 101 (as a commune) and 102 (named by a round); it holds only 101.
    expectations = Expectations(
        expected={101: frozenset({2, 3}), 102: frozenset({2})},
        paths=dict(PATHS),
        held={101: frozenset({2, 3}), 102: frozenset()},
        prefixes=("0001",),
    )
    assert expectations.coverage([root(1)], {101, 102}) == Coverage(reported=1, expected=2)
