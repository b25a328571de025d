"""Each existing reporting round gets the plan the task pages guessed for it until now: of
the plans of its office, of a unit above it or of a unit it succeeded, the newest one
covering the round's year, else the newest one."""

from __future__ import annotations

from django.db import migrations

STEP = 4  # the materialised path's step (treebeard's MP_Node default, used by units)


def _owners(OrgUnit, UnitSuccession, unit) -> set[int]:
    paths = [unit.path[:i] for i in range(STEP, len(unit.path) + STEP, STEP)]
    found = set(OrgUnit.objects.filter(path__in=paths).values_list("pk", flat=True))
    frontier = set(found)
    while frontier:
        links = UnitSuccession.objects.filter(successor_id__in=frontier)
        frontier = set(links.values_list("predecessor_id", flat=True)) - found
        found |= frontier
    return found


def forward(apps, schema_editor):
    ReportingRound = apps.get_model("collection", "ReportingRound")
    Plan = apps.get_model("plans", "Plan")
    OrgUnit = apps.get_model("units", "OrgUnit")
    UnitSuccession = apps.get_model("units", "UnitSuccession")
    for round_ in ReportingRound.objects.select_related("owner", "period"):
        owners = _owners(OrgUnit, UnitSuccession, round_.owner)
        plans = list(Plan.objects.filter(owner_id__in=owners).order_by("-start_year", "pk"))
        year = round_.period.year
        covering = [p for p in plans if p.start_year <= year <= p.end_year]
        plan = (covering or plans or [None])[0]
        if plan is not None:
            round_.plan = plan
            round_.save(update_fields=["plan"])


class Migration(migrations.Migration):
    dependencies = [("collection", "0004_round_plan"), ("units", "0001_initial")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
