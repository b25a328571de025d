"""An independent reading of issue 13's `recognition_evaluate` format, written from its text alone.

Deliberately not data-driven: every indicator of `cdht-xa-tt25-2023` (TT 25/2023, Điều 6-8) and
`dvht-huyen-tt24-2023` (TT 24/2023, Điều 6-9) is a line of plain Python with its thresholds
written out, so that a mistake in the engine's YAML or its interpreter cannot also be here.

Readings this module takes where the issue's text leaves room (the report lists them):
- a compound indicator (X5.2's two shares, U3.1 with `U3.1_learners` for a vocational unit) is
  combined like a criterion: `not_met` if any part is `not_met`, else `no_data` if any part is;
- a part of a rate that is missing or null (`num`, `den`, `trained`, …) makes that part `no_data`;
- a level's status comes only from its own indicators, and `level` is exactly the format's rule
  (2 if level 2 is met, else 1 if level 1 is met, else 0 if level 1 is not met, else null): a
  unit that is not public and lacks U3.3's title (it applies at level 1, not at level 2) reads 2;
- absent `difficult_area` / `public` are false, an absent or unknown `kind` is none of the kinds;
- an ordinal that is not an integer (or a digital-transformation level outside none/basic/good)
  is `no_data`, like null.
"""

from __future__ import annotations

MET, NOT_MET, NO_DATA, NOT_APPLICABLE = "met", "not_met", "no_data", "not_applicable"

CDHT = "cdht-xa-tt25-2023"
DVHT = "dvht-huyen-tt24-2023"
CODES = (CDHT, DVHT)
KINDS = ("organisation", "economic", "preschool", "school", "vocational")
DIGITAL_LEVELS = ("none", "basic", "good")


# --- the combination rule ------------------------------------------------------------


def combine(statuses) -> str:
    """A criterion's (or level's) status: not_applicable drops out; all dropped out is met."""
    counted = [s for s in statuses if s != NOT_APPLICABLE]
    if NOT_MET in counted:
        return NOT_MET
    if NO_DATA in counted:
        return NO_DATA
    return MET


def overall_level(level_1: str, level_2: str) -> int | None:
    if level_2 == MET:
        return 2
    if level_1 == MET:
        return 1
    if level_1 == NOT_MET:
        return 0
    return None


# --- the kinds of value ----------------------------------------------------------------------


def boolean(value) -> str:
    if value is True:
        return MET
    if value is False:
        return NOT_MET
    return NO_DATA


def share(num, den, percent: int) -> str:
    """num/den ≥ percent %, exactly: num × 100 ≥ percent × den; den 0 or a part missing: no data."""
    if not _is_count(num) or not _is_count(den) or den == 0:
        return NO_DATA
    return MET if num * 100 >= percent * den else NOT_MET


def rate(value, percent: int) -> str:
    if not isinstance(value, dict):
        return NO_DATA
    return share(value.get("num"), value.get("den"), percent)


def at_least(value, minimum: int) -> str:
    """An ordinal level (PCGD-XMC, X4.1's 0/1) ≥ minimum."""
    if not _is_count(value):
        return NO_DATA
    return MET if value >= minimum else NOT_MET


def digital_at_least(value, minimum: str) -> str:
    if value not in DIGITAL_LEVELS:
        return NO_DATA
    return MET if DIGITAL_LEVELS.index(value) >= DIGITAL_LEVELS.index(minimum) else NOT_MET


def _is_count(value) -> bool:
    # JSON true/false arrive as bool, a subclass of int: X4.1 may be written true for 1.
    return isinstance(value, int)


# --- cdht-xa-tt25-2023 -----------------------------------------------------------------------


def cdht_x1(ind: dict, level: int) -> dict:
    return {code: boolean(ind.get(code)) for code in ("X1.1", "X1.2", "X1.3")}


def cdht_x2(ind: dict, level: int) -> dict:
    return {code: boolean(ind.get(code)) for code in ("X2.1", "X2.2", "X2.3")}


def cdht_x3(ind: dict, level: int) -> dict:
    return {code: boolean(ind.get(code)) for code in ("X3.1", "X3.2", "X3.3")}


def cdht_x4(ind: dict, level: int) -> dict:
    if level == 1:
        primary, lower_secondary, literacy = 2, 2, 1
    else:
        primary, lower_secondary, literacy = 3, 3, 2
    return {
        "X4.1": at_least(ind.get("X4.1"), 1),
        "X4.2": at_least(ind.get("X4.2"), primary),
        "X4.3": at_least(ind.get("X4.3"), lower_secondary),
        "X4.4": at_least(ind.get("X4.4"), literacy),
    }


def cdht_x5_1(value, level: int) -> str:
    return rate(value, 60 if level == 1 else 80)


def cdht_x5_2(value, level: int, difficult_area: bool) -> str:
    """Trained and university-educated shares of the SAME population, both must meet."""
    if difficult_area:
        trained_pct, university_pct = (40, 10) if level == 1 else (50, 12)
    else:
        trained_pct, university_pct = (50, 12) if level == 1 else (60, 15)
    if not isinstance(value, dict):
        return NO_DATA
    den = value.get("den")
    return combine(
        [
            share(value.get("trained"), den, trained_pct),
            share(value.get("university"), den, university_pct),
        ]
    )


def cdht_x5(ind: dict, level: int, difficult_area: bool) -> dict:
    return {
        "X5.1": cdht_x5_1(ind.get("X5.1"), level),
        "X5.2": cdht_x5_2(ind.get("X5.2"), level, difficult_area),
    }


def cdht_level(unit: dict, level: int) -> dict:
    ind = unit.get("indicators") or {}
    difficult_area = unit.get("difficult_area") is True
    criteria = {
        "X1": cdht_x1(ind, level),
        "X2": cdht_x2(ind, level),
        "X3": cdht_x3(ind, level),
        "X4": cdht_x4(ind, level),
        "X5": cdht_x5(ind, level, difficult_area),
    }
    return _level(criteria)


# --- dvht-huyen-tt24-2023 --------------------------------------------------------------------


def dvht_u1(ind: dict, level: int, public: bool) -> dict:
    return {
        "U1.1": boolean(ind.get("U1.1")),
        "U1.2": boolean(ind.get("U1.2")),
        "U1.3": boolean(ind.get("U1.3")) if public else NOT_APPLICABLE,
        "U1.4": boolean(ind.get("U1.4")),
        "U1.5": boolean(ind.get("U1.5")),
    }


def dvht_u2(ind: dict, level: int, kind) -> dict:
    high = 90 if level == 1 else 95
    if kind == "economic":
        u24 = NOT_APPLICABLE
    else:
        u24 = rate(ind.get("U2.4"), 50 if level == 1 else 70)
    return {
        "U2.1": rate(ind.get("U2.1"), high),
        "U2.2": rate(ind.get("U2.2"), high),
        "U2.3": rate(ind.get("U2.3"), high),
        "U2.4": u24,
        "U2.5": rate(ind.get("U2.5"), high),
    }


def dvht_u3_1(ind: dict, level: int, kind) -> str:
    members = rate(ind.get("U3.1"), 90 if level == 1 else 95)
    if kind != "vocational":
        return members
    learners = rate(ind.get("U3.1_learners"), 95 if level == 1 else 97)
    return combine([members, learners])


def dvht_u3(ind: dict, level: int, kind, public: bool) -> dict:
    if level == 1 or public:
        u33 = boolean(ind.get("U3.3"))
    else:
        u33 = NOT_APPLICABLE
    if kind == "school":
        u34 = digital_at_least(ind.get("U3.4"), "basic" if level == 1 else "good")
    else:
        u34 = NOT_APPLICABLE
    u35 = boolean(ind.get("U3.5")) if kind == "vocational" else NOT_APPLICABLE
    return {
        "U3.1": dvht_u3_1(ind, level, kind),
        "U3.2": boolean(ind.get("U3.2")),
        "U3.3": u33,
        "U3.4": u34,
        "U3.5": u35,
    }


def dvht_level(unit: dict, level: int) -> dict:
    ind = unit.get("indicators") or {}
    kind = unit.get("kind")
    public = unit.get("public") is True
    criteria = {
        "U1": dvht_u1(ind, level, public),
        "U2": dvht_u2(ind, level, kind),
        "U3": dvht_u3(ind, level, kind, public),
    }
    return _level(criteria)


# --- the result ------------------------------------------------------------------------------


def _level(criteria: dict[str, dict[str, str]]) -> dict:
    out = {
        code: {"status": combine(indicators.values()), "indicators": indicators}
        for code, indicators in criteria.items()
    }
    return {"status": combine(c["status"] for c in out.values()), "criteria": out}


LEVEL_FUNCTIONS = {CDHT: cdht_level, DVHT: dvht_level}


def evaluate_unit(code: str, unit: dict) -> dict:
    at_level = LEVEL_FUNCTIONS[code]
    one, two = at_level(unit, 1), at_level(unit, 2)
    return {"level": overall_level(one["status"], two["status"]), "levels": {"1": one, "2": two}}


def evaluate(code: str, units: list[dict]) -> dict:
    """What `manage.py recognition_evaluate --criteria CODE` prints for these units."""
    if code not in LEVEL_FUNCTIONS:
        raise KeyError(code)
    return {"criteria": code, "units": {u["code"]: evaluate_unit(code, u) for u in units}}
