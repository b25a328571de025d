"""Input units for `recognition_evaluate`: random ones (seeded or hypothesis) and threshold edges.

One set of builders serves both sources of randomness: a builder asks a `Source` for choices,
and a Source is either a seeded `random.Random` (hundreds of units for one command call) or a
hypothesis `draw` (small shrinking batches). Edges put one indicator at a time one count either
side of a threshold in a unit whose other indicators all meet level 2, and say what that
indicator must be at each level (from a ceiling, not from the oracle's multiplication).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from hypothesis import strategies as st

from recognition.tests.independent import (
    CDHT,
    DIGITAL_LEVELS,
    DVHT,
    KINDS,
    MET,
    NO_DATA,
    NOT_APPLICABLE,
    NOT_MET,
)

MISSING = object()  # a builder returning this leaves the key out of the unit
YEARS = (2024, 2025)
# Denominators that make the ceiling fall on, just above and just below a whole number.
EDGE_DENS = (1, 2, 3, 7, 9, 33, 99, 100, 101, 333, 1001)

CDHT_BOOLEANS = ("X1.1", "X1.2", "X1.3", "X2.1", "X2.2", "X2.3", "X3.1", "X3.2", "X3.3")
# ordinal indicator -> (level 1 minimum, level 2 minimum)
CDHT_ORDINALS = {"X4.1": (1, 1), "X4.2": (2, 3), "X4.3": (2, 3), "X4.4": (1, 2)}
# the highest value an ordinal takes: X4.1 is 1 if PCGD mầm non 5 tuổi is met, else 0
CDHT_ORDINAL_TOPS = {"X4.1": 1, "X4.2": 3, "X4.3": 3, "X4.4": 2}
X5_1 = (60, 80)
# difficult_area -> level -> (trained %, university %)
X5_2 = {False: {1: (50, 12), 2: (60, 15)}, True: {1: (40, 10), 2: (50, 12)}}

DVHT_BOOLEANS = ("U1.1", "U1.2", "U1.3", "U1.4", "U1.5", "U3.2", "U3.3", "U3.5")
# rate input key -> (level 1 %, level 2 %)
DVHT_RATES = {
    "U2.1": (90, 95),
    "U2.2": (90, 95),
    "U2.3": (90, 95),
    "U2.4": (50, 70),
    "U2.5": (90, 95),
    "U3.1": (90, 95),
    "U3.1_learners": (95, 97),
}


def minimal_num(percent: int, den: int) -> int:
    """The smallest num with num/den ≥ percent %: ⌈percent × den / 100⌉."""
    return -(-percent * den // 100)


# --- sources of choice -----------------------------------------------------------------------


class RandomSource:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def choice(self, options):
        return self.rng.choice(list(options))

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)


class DrawSource:
    def __init__(self, draw):
        self.draw = draw

    def choice(self, options):
        return self.draw(st.sampled_from(list(options)))

    def integer(self, low: int, high: int) -> int:
        return self.draw(st.integers(low, high))


# --- values ----------------------------------------------------------------------------------


def _odd(src) -> object:
    """A value that carries no data: null, absent, or (for rates) a zero denominator."""
    return src.choice((None, MISSING))


def _boolean(src, good: bool) -> object:
    return True if good else src.choice((True, False, False, None, MISSING))


def _num_near(src, den: int, percents) -> int:
    """A numerator for den: anywhere, or one count either side of one of the thresholds."""
    if src.integer(0, 2) == 0:
        return src.integer(0, den)
    return max(0, minimal_num(src.choice(percents), den) - src.integer(0, 1))


def _rate(src, good: bool, percents) -> object:
    if good:
        den = src.integer(1, 500)
        # meets the top threshold, or exactly a threshold (then perhaps only level 1)
        if src.integer(0, 1):
            return {"num": src.integer(minimal_num(max(percents), den), den), "den": den}
        return {"num": minimal_num(src.choice(percents), den), "den": den}
    shape = src.integer(0, 5)
    if shape == 0:
        return _odd(src)
    if shape == 1:
        return {"num": src.integer(0, 3), "den": 0}
    den = src.integer(1, 500)
    return {"num": _num_near(src, den, percents), "den": den}


def _ordinal(src, good: bool, minimums, top: int) -> object:
    if good:
        return src.integer(max(minimums), top)
    return src.choice((None, MISSING, *range(top + 1)))


def _x5_2(src, good: bool) -> object:
    trained_pcts = (40, 50, 60)
    university_pcts = (10, 12, 15)
    if not good:
        shape = src.integer(0, 4)
        if shape == 0:
            return _odd(src)
        if shape == 1:
            return {"trained": src.integer(0, 3), "university": src.integer(0, 3), "den": 0}
    den = src.integer(1, 500)
    if good:
        trained = minimal_num(src.choice(trained_pcts), den) + src.integer(0, 1)
        university = minimal_num(src.choice(university_pcts), den) + src.integer(0, 1)
        return {"trained": min(trained, den), "university": min(university, den), "den": den}
    university = _num_near(src, den, university_pcts)
    return {"trained": _num_near(src, den, trained_pcts), "university": university, "den": den}


def _digital(src, good: bool) -> object:
    return src.choice(("basic", "good")) if good else src.choice((*DIGITAL_LEVELS, None, MISSING))


def _put(indicators: dict, key: str, value) -> None:
    if value is not MISSING:
        indicators[key] = value


def _flag(src) -> object:
    return src.choice((True, False, True, False, MISSING))


def _unit(code: str, year: int, fields: dict, indicators: dict) -> dict:
    stated = {key: value for key, value in fields.items() if value is not MISSING}
    return {"code": code, "year": year, **stated, "indicators": indicators}


def cdht_unit(src, code: str) -> dict:
    # rarity: one indicator in `rarity + 1` is off nominal, so every level appears in a batch
    rarity = src.choice((0, 2, 8, 30, 100))

    def good() -> bool:
        return src.integer(0, rarity) != 0

    indicators: dict = {}
    for key in CDHT_BOOLEANS:
        _put(indicators, key, _boolean(src, good()))
    for key, minimums in CDHT_ORDINALS.items():
        _put(indicators, key, _ordinal(src, good(), minimums, CDHT_ORDINAL_TOPS[key]))
    _put(indicators, "X5.1", _rate(src, good(), X5_1))
    _put(indicators, "X5.2", _x5_2(src, good()))
    return _unit(code, src.choice(YEARS), {"difficult_area": _flag(src)}, indicators)


def dvht_unit(src, code: str) -> dict:
    rarity = src.choice((0, 2, 8, 30, 100))

    def good() -> bool:
        return src.integer(0, rarity) != 0

    indicators: dict = {}
    for key in DVHT_BOOLEANS:
        _put(indicators, key, _boolean(src, good()))
    for key, percents in DVHT_RATES.items():
        _put(indicators, key, _rate(src, good(), percents))
    _put(indicators, "U3.4", _digital(src, good()))
    kind = src.choice((*KINDS, *KINDS, MISSING))
    return _unit(code, src.choice(YEARS), {"kind": kind, "public": _flag(src)}, indicators)


BUILDERS: dict[str, Callable] = {CDHT: cdht_unit, DVHT: dvht_unit}


def random_units(code: str, count: int, seed: int) -> list[dict]:
    """`count` random units for criteria `code`, the same for the same seed."""
    src = RandomSource(seed)
    return [BUILDERS[code](src, f"r{i:04d}") for i in range(count)]


@st.composite
def unit_batches(draw, code: str, max_size: int = 6) -> list[dict]:
    """A hypothesis batch of 1..max_size units with distinct codes."""
    src = DrawSource(draw)
    size = draw(st.integers(1, max_size))
    return [BUILDERS[code](src, f"h{i}") for i in range(size)]


# --- edges -----------------------------------------------------------------------------------


def cdht_base(code: str, difficult_area: bool = False) -> dict:
    """A commune meeting level 2 on every indicator, with room to spare."""
    indicators: dict = dict.fromkeys(CDHT_BOOLEANS, True)
    indicators.update({"X4.1": 1, "X4.2": 3, "X4.3": 3, "X4.4": 2})
    indicators["X5.1"] = {"num": 100, "den": 100}
    indicators["X5.2"] = {"trained": 100, "university": 100, "den": 100}
    return {"code": code, "year": 2024, "difficult_area": difficult_area, "indicators": indicators}


def dvht_base(code: str, kind: str, public: bool) -> dict:
    """A unit meeting level 2 on every indicator that applies to it, with room to spare."""
    indicators: dict = dict.fromkeys(DVHT_BOOLEANS, True)
    indicators.update({key: {"num": 100, "den": 100} for key in DVHT_RATES})
    indicators["U3.4"] = "good"
    return {"code": code, "year": 2024, "kind": kind, "public": public, "indicators": indicators}


def _meets(num: int, den: int, percent: int) -> str:
    if den == 0:
        return NO_DATA
    return MET if num >= minimal_num(percent, den) else NOT_MET


def _both(*statuses: str) -> str:
    if NOT_MET in statuses:
        return NOT_MET
    return NO_DATA if NO_DATA in statuses else MET


def _edge(unit: dict, indicator: str, expect_1: str, expect_2: str) -> dict:
    return {"unit": unit, "indicator": indicator, "expect": {"1": expect_1, "2": expect_2}}


def _rate_edges(percents) -> list[tuple[int, int]]:
    """(num, den): for every threshold and edge denominator, the smallest num that meets it
    and one less; and two zero denominators."""
    pairs = [(0, 0), (5, 0)]
    for percent in percents:
        for den in EDGE_DENS:
            least = minimal_num(percent, den)
            pairs += [(least, den)] + ([(least - 1, den)] if least else [])
    return pairs


def cdht_edges() -> list[dict]:
    edges: list[dict] = []

    def new(tag: str, difficult_area: bool = False) -> dict:
        return cdht_base(tag, difficult_area)

    for key in CDHT_BOOLEANS:
        for value, status in ((True, MET), (False, NOT_MET), (None, NO_DATA), (MISSING, NO_DATA)):
            unit = new(f"{key}={'absent' if value is MISSING else value}")
            _put_or_drop(unit, key, value)
            edges.append(_edge(unit, key, status, status))
    for key, (low, high) in CDHT_ORDINALS.items():
        for value in sorted({0, low - 1, low, high - 1, high}):
            unit = new(f"{key}={value}")
            unit["indicators"][key] = value
            edges.append(_edge(unit, key, _at_least(value, low), _at_least(value, high)))
        for value in (None, MISSING):
            unit = new(f"{key}=null")
            _put_or_drop(unit, key, value)
            edges.append(_edge(unit, key, NO_DATA, NO_DATA))
    for num, den in _rate_edges(X5_1):
        unit = new(f"X5.1={num}/{den}")
        unit["indicators"]["X5.1"] = {"num": num, "den": den}
        edges.append(_edge(unit, "X5.1", _meets(num, den, 60), _meets(num, den, 80)))
    for difficult_area, by_level in X5_2.items():
        edges += _x5_2_edges(new, difficult_area, by_level)
    return _numbered(edges)


def _x5_2_edges(new, difficult_area: bool, by_level: dict) -> list[dict]:
    edges = []
    tag = "difficult" if difficult_area else "ordinary"

    def add(trained: int, university: int, den: int) -> None:
        unit = new(f"X5.2 {tag} trained {trained} university {university} of {den}", difficult_area)
        unit["indicators"]["X5.2"] = {"trained": trained, "university": university, "den": den}
        expect = [
            _both(
                _meets(trained, den, by_level[level][0]),
                _meets(university, den, by_level[level][1]),
            )
            for level in (1, 2)
        ]
        edges.append(_edge(unit, "X5.2", *expect))

    # one share at its edge, the other share comfortable
    for num, den in _rate_edges(sorted({pcts[0] for pcts in by_level.values()})):
        add(num, den, den)
    for num, den in _rate_edges(sorted({pcts[1] for pcts in by_level.values()})):
        add(den, num, den)
    # the pair: both shares at the edge of the same level, each side
    for trained_pct, university_pct in by_level.values():
        for den in EDGE_DENS:
            trained, university = minimal_num(trained_pct, den), minimal_num(university_pct, den)
            for t in {trained, max(trained - 1, 0)}:
                for u in {university, max(university - 1, 0)}:
                    add(t, u, den)
    return edges


def _numbered(edges: list[dict]) -> list[dict]:
    """Unit codes unique in the batch and readable in a failure: number, then what is on edge."""
    for number, edge in enumerate(edges):
        edge["unit"]["code"] = f"{number:05d} {edge['unit']['code']}"
    return edges


def _at_least(value: int, minimum: int) -> str:
    return MET if value >= minimum else NOT_MET


def _put_or_drop(unit: dict, key: str, value) -> None:
    if value is MISSING:
        del unit["indicators"][key]
    else:
        unit["indicators"][key] = value


def _dvht_applies(key: str, kind: str, public: bool, level: int) -> bool:
    if key == "U1.3":
        return public
    if key == "U2.4":
        return kind != "economic"
    if key == "U3.3":
        return level == 1 or public
    if key == "U3.4":
        return kind == "school"
    if key == "U3.5":
        return kind == "vocational"
    return True


def dvht_edges() -> list[dict]:
    edges: list[dict] = []
    for kind in KINDS:
        for public in (True, False):
            edges += _dvht_edges_of(kind, public)
    return _numbered(edges)


def _dvht_edges_of(kind: str, public: bool) -> list[dict]:
    edges: list[dict] = []
    who = f"{kind} {'public' if public else 'private'}"

    def new(tag: str) -> dict:
        return dvht_base(f"{who} {tag}", kind, public)

    def add(unit: dict, key: str, expect: tuple[str, str]) -> None:
        """expect: the indicator at levels 1 and 2 if it applies to this kind of unit."""
        expect = tuple(
            expect[level - 1] if _dvht_applies(key, kind, public, level) else NOT_APPLICABLE
            for level in (1, 2)
        )
        edges.append(_edge(unit, key, *expect))

    for key in DVHT_BOOLEANS:
        for value, status in ((True, MET), (False, NOT_MET), (None, NO_DATA), (MISSING, NO_DATA)):
            unit = new(f"{key}={'absent' if value is MISSING else value}")
            _put_or_drop(unit, key, value)
            add(unit, key, (status, status))
    # rate edges matter for applicability only through U2.4 and U3.1_learners; the public
    # flag changes no rate, so the full set of denominators runs for public units only
    rate_keys = DVHT_RATES if public else ("U2.4", "U3.1_learners")
    for key in rate_keys:
        percents = DVHT_RATES[key]
        for num, den in _rate_edges(percents):
            unit = new(f"{key}={num}/{den}")
            unit["indicators"][key] = {"num": num, "den": den}
            expect = (_meets(num, den, percents[0]), _meets(num, den, percents[1]))
            if key == "U3.1_learners":
                # only a vocational unit's U3.1 counts its learners; the members stay at 100%
                add(unit, "U3.1", expect if kind == "vocational" else (MET, MET))
            else:
                add(unit, key, expect)
    if kind == "vocational":
        edges += _learners_pairs(new)
    for value in (*DIGITAL_LEVELS, None, MISSING):
        unit = new(f"U3.4={'absent' if value is MISSING else value}")
        _put_or_drop(unit, "U3.4", value)
        add(unit, "U3.4", (_digital_status(value, 1), _digital_status(value, 2)))
    return edges


def _learners_pairs(new) -> list[dict]:
    """Members and learners of a vocational unit both at the edge of the same level."""
    edges = []
    for level_pcts in zip(DVHT_RATES["U3.1"], DVHT_RATES["U3.1_learners"], strict=True):
        members_pct, learners_pct = level_pcts
        for den in EDGE_DENS:
            members, learners = minimal_num(members_pct, den), minimal_num(learners_pct, den)
            for m in {members, max(members - 1, 0)}:
                for ln in {learners, max(learners - 1, 0)}:
                    unit = new(f"U3.1 members {m} learners {ln} of {den}")
                    unit["indicators"]["U3.1"] = {"num": m, "den": den}
                    unit["indicators"]["U3.1_learners"] = {"num": ln, "den": den}
                    expect = [
                        _both(
                            _meets(m, den, DVHT_RATES["U3.1"][level - 1]),
                            _meets(ln, den, DVHT_RATES["U3.1_learners"][level - 1]),
                        )
                        for level in (1, 2)
                    ]
                    edges.append(_edge(unit, "U3.1", *expect))
    return edges


def _digital_status(value, level: int) -> str:
    if value not in DIGITAL_LEVELS:
        return NO_DATA
    wanted = ("basic", "good")[level - 1]
    return MET if DIGITAL_LEVELS.index(value) >= DIGITAL_LEVELS.index(wanted) else NOT_MET


EDGES: dict[str, Callable[[], list[dict]]] = {CDHT: cdht_edges, DVHT: dvht_edges}


def edge_units(code: str) -> list[dict]:
    return [edge["unit"] for edge in EDGES[code]()]
