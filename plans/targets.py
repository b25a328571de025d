"""A plan file's targets in the plan tree's shape: measure, subject, milestones and the
columns plan 08 was written in, from either form a file may use (pure: dicts in and out)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

# What a target may count besides a level of the unit tree (whose codes are data in
# units): kinds of institutions and groups of persons.
SUBJECT_KINDS = {
    "clc": _("community learning centres"),
    "university": _("universities"),
    "education_institution": _("education institutions"),
    "persons_15_plus": _("persons aged 15 and over"),
    "persons_15_35": _("persons aged 15 to 35"),
    "persons_15_60": _("persons aged 15 to 60"),
    "working_age_persons": _("persons of working age"),
    "newly_literate": _("newly literate persons"),
    "citizens": _("citizens"),
}
# How the pages name the units of the levels targets count today; another level shows its
# code until it is named here.
LEVEL_SUBJECTS = {
    "province": _("provinces"),
    "district": _("districts"),
    "commune": _("communes"),
}


def subject_label(subject: str) -> str:
    return str(SUBJECT_KINDS.get(subject) or LEVEL_SUBJECTS.get(subject) or subject)


def decimal(value: float | int | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def milestones_of(target: dict) -> list[dict[str, Any]]:
    """The target's milestones as rows (year, value, value_max, aspirational); a target
    written with one due year is one milestone, its share of communes if "every commune"."""
    if "milestones" in target:
        return [
            {
                "year": m["year"],
                "value": decimal(m.get("value")),
                "value_max": decimal(m.get("value_max")),
                "aspirational": m.get("aspirational", False),
            }
            for m in target["milestones"]
        ]
    every_commune = target["scope"] == "every_commune"
    return [
        {
            "year": target["due_year"],
            "value": decimal(target["commune_share"] if every_commune else target.get("value")),
            "value_max": None if every_commune else decimal(target.get("value_max")),
            "aspirational": target.get("aspirational", False),
        }
    ]


def measure_of(target: dict, indicator_kind: str) -> tuple[str, str]:
    """(measure, subject) of a target in either form."""
    if "measure" in target:
        return target["measure"], target.get("subject", "")
    if target["scope"] == "every_commune":
        return "share_of_units", "commune"
    return ("level" if indicator_kind == "level" else "rate"), ""


def legacy_columns(target: dict, measure: str, subject: str) -> dict[str, Any]:
    """value, value_max, scope, commune_share, due_year and aspirational: the last milestone
    in plan 08's shape, which the evaluation reads until it reads the milestones."""
    if "milestones" not in target:
        return {
            "value": decimal(target.get("value")),
            "value_max": decimal(target.get("value_max")),
            "scope": target["scope"],
            "commune_share": decimal(target.get("commune_share", 100)),
            "due_year": target["due_year"],
            "aspirational": target.get("aspirational", False),
        }
    last = milestones_of(target)[-1]
    share = measure == "share_of_units"
    return {
        "value": decimal(target.get("value")) if share else last["value"],
        "value_max": decimal(target.get("value_max")) if share else last["value_max"],
        "scope": "every_commune" if share and subject == "commune" else "unit",
        "commune_share": last["value"] if share else Decimal(100),
        "due_year": last["year"],
        "aspirational": last["aspirational"],
    }
