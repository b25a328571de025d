"""The registry of report parts: which app contributes which part of a report (plain blocks).

Each builder takes (plan, unit, year, *, map) and returns a core.documents.Part; the apps
below reports own what their parts say, and this module only lists them (layers point down).
"""

from __future__ import annotations

from collections.abc import Callable

from collection.report_parts import completeness_part, tasks_part
from core.documents import Part
from monitoring.report_parts import targets_part
from universalization.report_parts import standards_part

PartBuilder = Callable[..., Part]

# Report types, rule operators and importers are plain dicts (STYLE.md, habit 9).
PARTS: dict[str, PartBuilder] = {
    "targets": targets_part,  # monitoring: every target, its milestone, figure and status
    "pcgd": standards_part,  # universalization: PCGD-XMC standards per commune
    "completeness": completeness_part,  # collection: forms approved of the year's rounds
    "tasks": tasks_part,  # collection: duties by responsible body with their reports
}


def build(keys, plan, unit, year: int, *, map) -> dict[str, Part]:
    """The named parts for one plan, unit and year, in the order asked."""
    return {key: PARTS[key](plan, unit, year, map=map) for key in keys}
