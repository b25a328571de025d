"""Test oracle for pcgd_standards, written independently from the issue 5 text (and decisions)."""

from __future__ import annotations

# --- The rules, as tables -------------------------------------------------------------------
#
# Each standard's levels, in order; each level is a list of conditions
# (rate name, threshold when normal, threshold when the commune is disadvantaged (ĐBKK)).
DISABILITY = ("disability_access", 60, 60)

LEVELS: dict[str, dict[str, list[tuple[str, int, int]]]] = {
    "preschool5": {
        "1": [("attending_5", 95, 90), ("completed_5", 85, 80), DISABILITY],
    },
    "primary": {
        "1": [("grade1_entry_6", 90, 90), ("completed_14", 80, 70), DISABILITY],
        "2": [
            ("grade1_entry_6", 95, 95),
            ("completed_11", 80, 70),
            ("in_primary_11_rest", 100, 100),
            DISABILITY,
        ],
        "3": [
            ("grade1_entry_6", 98, 98),
            ("completed_11", 90, 80),
            ("in_primary_11_rest", 100, 100),
            DISABILITY,
        ],
    },
    "lower_secondary": {
        "1": [("diploma_15_18", 80, 70), DISABILITY],
        "2": [("diploma_15_18", 90, 80), DISABILITY],
        "3": [("diploma_15_18", 95, 90), ("studying_15_18", 80, 70), DISABILITY],
    },
    "literacy": {
        "1": [("literate1", 90, 90), DISABILITY],
        "2": [("literate2", 90, 90), DISABILITY],
    },
}

# Levels that must be met before a level can be met: (standard, level) -> [(standard, level)].
# Literacy levels 1 and 2 are independent.
PREREQUISITES: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("primary", "2"): [("primary", "1")],
    ("primary", "3"): [("primary", "2")],
    ("lower_secondary", "1"): [("primary", "1"), ("literacy", "1")],
    ("lower_secondary", "2"): [("lower_secondary", "1")],
    ("lower_secondary", "3"): [("lower_secondary", "2")],
}

# Evaluation order: a standard comes after the standards its prerequisites name.
ORDER = ["preschool5", "primary", "literacy", "lower_secondary"]
# The order of the standards in the output (the order).
OUTPUT_ORDER = ["preschool5", "primary", "lower_secondary", "literacy"]

# A condition whose rate has no persons is undetermined, except these, which then hold.
HOLDS_WHEN_EMPTY = {"in_primary_11_rest", "disability_access"}

# District: the share (percent) of its communes that must meet a standard's level.
DISTRICT_THRESHOLD = {("lower_secondary", "2"): 95, ("lower_secondary", "3"): 100}
DEFAULT_DISTRICT_THRESHOLD = 90

STUDYING_15_18 = {"lower_secondary", "upper_secondary", "continuing", "vocational"}


# --- Persons ----------------------------------------------------------------------------------


def done_by(value: str, year: int) -> bool:
    """A completion year is 'done by Y' when it is filled in and not after Y."""
    return value != "" and int(value) <= year


def literacy_level(p: dict, year: int) -> int:
    """0, 1 or 2: the person's literacy level (empty fields count as 'not')."""
    grade = int(p["highest_grade_completed"]) if p["highest_grade_completed"] != "" else -1
    stage = int(p["literacy_stage_completed"]) if p["literacy_stage_completed"] != "" else -1
    if done_by(p["primary_completed_year"], year) or grade >= 5 or stage == 2:
        return 2
    if grade >= 3 or stage >= 1:
        return 1
    return 0


def is_studying(p: dict) -> bool:
    return p["studying"] not in ("", "none")


def rates_of(persons: list[dict], year: int, disadvantaged: bool) -> dict[str, dict[str, int]]:
    """Every rate of every standard for the persons of one commune: {RATE_KEY: {num, den}}.

    Rate keys are "standard.rate" because disability_access exists once per standard.
    """
    rates: dict[str, dict[str, int]] = {}

    def add(key: str, in_denominator: bool, in_numerator: bool) -> None:
        rate = rates.setdefault(key, {"num": 0, "den": 0})
        if in_denominator:
            rate["den"] += 1
            if in_numerator:
                rate["num"] += 1

    # Make every rate exist, even with nobody in it.
    for standard, levels in LEVELS.items():
        for conditions in levels.values():
            for name, _, _ in conditions:
                rates.setdefault(f"{standard}.{name}", {"num": 0, "den": 0})

    for p in persons:
        # Only persons living in the commune count, and only with a known age.
        if p["residence"] not in ("", "permanent", "temporary"):
            continue
        if p["birth_year"] == "":
            continue
        age = year - int(p["birth_year"])
        disability = p["disability"] or "none"
        literacy = literacy_level(p, year)
        primary_done = done_by(p["primary_completed_year"], year)
        diploma_done = done_by(p["lower_secondary_diploma_year"], year)
        preschool_done = p["preschool_completed"] == "yes"

        # disability_access: persons who can learn, in each standard's target group.
        if disability == "can_learn":
            add("preschool5.disability_access", age == 5, is_studying(p) or preschool_done)
            add("primary.disability_access", 6 <= age <= 14, is_studying(p) or primary_done)
            add(
                "lower_secondary.disability_access",
                11 <= age <= 18,
                is_studying(p) or diploma_done,
            )
            add("literacy.disability_access", 15 <= age <= 60, is_studying(p) or literacy >= 1)

        # Persons who cannot learn are in no other rate.
        if disability == "cannot_learn":
            continue

        add("preschool5.attending_5", age == 5, p["studying"] == "preschool" or preschool_done)
        add("preschool5.completed_5", age == 5, preschool_done)

        add("primary.grade1_entry_6", age == 6, done_by(p["grade1_entry_year"], year))
        add("primary.completed_14", age == 14, primary_done)
        add("primary.completed_11", age == 11, primary_done)
        add(
            "primary.in_primary_11_rest", age == 11 and not primary_done, p["studying"] == "primary"
        )

        add("lower_secondary.diploma_15_18", 15 <= age <= 18, diploma_done)
        add("lower_secondary.studying_15_18", 15 <= age <= 18, p["studying"] in STUDYING_15_18)

        band1 = (15, 25) if disadvantaged else (15, 35)
        band2 = (15, 35) if disadvantaged else (15, 60)
        add("literacy.literate1", band1[0] <= age <= band1[1], literacy >= 1)
        add("literacy.literate2", band2[0] <= age <= band2[1], literacy == 2)

    return rates


# --- Statuses ---------------------------------------------------------------------------------


def condition_status(name: str, rate: dict[str, int], threshold: int) -> str:
    if rate["den"] == 0:
        return "met" if name in HOLDS_WHEN_EMPTY else "undetermined"
    # Exact comparison, never on a rounded percentage.
    return "met" if rate["num"] * 100 >= threshold * rate["den"] else "not_met"


def combine(statuses: list[str]) -> str:
    if "not_met" in statuses:
        return "not_met"
    if "undetermined" in statuses:
        return "undetermined"
    return "met"


def evaluate_commune(persons: list[dict], year: int, disadvantaged: bool) -> dict:
    rates = rates_of(persons, year, disadvantaged)
    status: dict[tuple[str, str], str] = {}
    for standard in ORDER:
        for level, conditions in LEVELS[standard].items():
            statuses = []
            for name, normal, hard in conditions:
                threshold = hard if disadvantaged else normal
                statuses.append(condition_status(name, rates[f"{standard}.{name}"], threshold))
            for prerequisite in PREREQUISITES.get((standard, level), []):
                statuses.append(status[prerequisite])
            status[(standard, level)] = combine(statuses)

    result = {}
    for standard in OUTPUT_ORDER:
        levels = {level: status[(standard, level)] for level in LEVELS[standard]}
        reached = 0
        for level, level_status in levels.items():
            if level_status == "met":
                reached = max(reached, int(level))
        names = []
        for conditions in LEVELS[standard].values():
            for name, _, _ in conditions:
                if name not in names:
                    names.append(name)
        result[standard] = {
            "levels": levels,
            "level": reached,
            "rates": {name: dict(rates[f"{standard}.{name}"]) for name in names},
        }
    return result


def oracle(communes: list[dict], persons: list[dict], year: int) -> dict:
    """The JSON that `pcgd_standards --year year` prints for these CSV rows."""
    persons_of: dict[str, list[dict]] = {c["commune_code"]: [] for c in communes}
    for p in persons:
        persons_of[p["commune_code"]].append(p)

    out_communes = {}
    for c in communes:
        disadvantaged = c["disadvantaged"] == "yes"
        out_communes[c["commune_code"]] = evaluate_commune(
            persons_of[c["commune_code"]], year, disadvantaged
        )

    out_districts: dict[str, dict] = {}
    for district in dict.fromkeys(c["district_code"] for c in communes):
        codes = [c["commune_code"] for c in communes if c["district_code"] == district]
        per_standard = {}
        for standard in OUTPUT_ORDER:
            per_level = {}
            for level in LEVELS[standard]:
                met = sum(
                    1 for code in codes if out_communes[code][standard]["levels"][level] == "met"
                )
                of = len(codes)
                threshold = DISTRICT_THRESHOLD.get((standard, level), DEFAULT_DISTRICT_THRESHOLD)
                if of == 0:
                    district_status = "undetermined"
                elif met * 100 >= threshold * of:
                    district_status = "met"
                else:
                    district_status = "not_met"
                per_level[level] = {"met": met, "of": of, "status": district_status}
            per_standard[standard] = per_level
        out_districts[district] = per_standard

    return {"year": year, "communes": out_communes, "districts": out_districts}
