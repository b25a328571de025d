"""Synthetic learning-model tallies for the demo: villages of each commune with recognised
shares that rise year by year to the demo file's last shares. Written through save_tallies,
as a user would."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

from units.models import OrgUnit

from .models import Model
from .registers import holds_register, save_tallies


def demo_rows(
    commune: OrgUnit, year: int, last_year: int, *, last_share: Mapping[str, int], rise: int,
    seed: str,
) -> list[dict]:  # fmt: skip
    """The commune's rows for `year`: the same villages and totals every year (drawn from the
    seed and the commune's code), the recognised share of each model (%) rising by `rise`
    points a year to `last_share` in `last_year`."""
    draw = random.Random(f"{seed}:{commune.code}")
    count = draw.randint(3, 6)
    note = _("Illustrative figures (demo data), not official")
    shares = {m: max(0, s - rise * (last_year - year)) for m, s in last_share.items()}
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


def seed_tallies(
    communes: Iterable[OrgUnit], years: Iterable[int], *, actor, last_share: Mapping[str, int],
    rise: int, seed: str,
) -> int:  # fmt: skip
    """Write the demo's tallies of these communes for these years (a commune not standing at
    a year's end is skipped); returns the rows written."""
    years = sorted(years)
    written = 0
    for commune in communes:
        for year in years:
            if not holds_register(commune, year):
                continue
            rows = demo_rows(commune, year, years[-1], last_share=last_share, rise=rise, seed=seed)
            saved = save_tallies(commune, year, rows, actor=actor)
            written += len(saved.created) + len(saved.updated)
    return written
