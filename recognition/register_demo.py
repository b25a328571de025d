"""Synthetic learning-model tallies for the demo: villages of each commune with shares that
rise year by year, meeting QĐ 387's family and village shares by 2025 and missing its clan
and unit shares. Written through save_tallies, as a user would."""

from __future__ import annotations

import random
from collections.abc import Iterable

from django.utils.translation import gettext as _

from units.models import OrgUnit

from .models import Model
from .registers import holds_register, save_tallies

SEED = "xhht-demo-learning-models"
# The share recognised in the last year, and how much lower the first year is: families
# 74% (QĐ 387: 70% in 2025, met), clans 58% (65%, not met), villages 70% (65%, met),
# grassroots units 72% (80%, not met).
LAST_SHARE = {Model.FAMILY: 74, Model.CLAN: 58, Model.VILLAGE: 70, Model.GRASSROOTS_UNIT: 72}
RISE_PER_YEAR = 4


def demo_rows(commune: OrgUnit, year: int, last_year: int) -> list[dict]:
    """The commune's rows for `year`: the same villages and totals every year (drawn from the
    commune's code), the recognised share rising to LAST_SHARE in `last_year`."""
    draw = random.Random(f"{SEED}:{commune.code}")
    count = draw.randint(3, 6)
    note = _("Illustrative figures (demo data), not official")
    shares = {m: max(0, s - RISE_PER_YEAR * (last_year - year)) for m, s in LAST_SHARE.items()}
    recognised_villages = round(count * shares[Model.VILLAGE] / 100)
    rows = []
    for n in range(1, count + 1):
        village = _("Village %(n)s") % {"n": n}
        for model, total in ((Model.FAMILY, draw.randint(80, 260)),
                             (Model.CLAN, draw.randint(3, 9))):  # fmt: skip
            rows.append(_row(village, model, total, shares[model], note))
        recognised = int(n <= recognised_villages)
        rows.append({"village": village, "model": Model.VILLAGE, "total": 1, "registered": 1,
                     "recognised": recognised, "note": note})  # fmt: skip
    units = draw.randint(4, 9)
    rows.append(_row("", Model.GRASSROOTS_UNIT, units, shares[Model.GRASSROOTS_UNIT], note))
    return rows


def _row(village: str, model: str, total: int, share: int, note: str) -> dict:
    registered = min(total, round(total * (share + 15) / 100))
    recognised = min(registered, total * share // 100)
    return {"village": village, "model": model, "total": total, "registered": registered,
            "recognised": recognised, "note": note}  # fmt: skip


def seed_tallies(communes: Iterable[OrgUnit], years: Iterable[int], *, actor) -> int:
    """Write the demo's tallies of these communes for these years (a commune not standing at
    a year's end is skipped); returns the rows written."""
    years = sorted(years)
    written = 0
    for commune in communes:
        for year in years:
            if not holds_register(commune, year):
                continue
            rows = demo_rows(commune, year, years[-1])
            saved = save_tallies(commune, year, rows, actor=actor)
            written += len(saved.created) + len(saved.updated)
    return written
