"""Plans loaded before the plan tree keep reading as they did: their sections, and each
target as one milestone with its measure and subject."""

from __future__ import annotations

from django.db import migrations

# The layout every plan loaded so far was written in (plan 08/KH-BCĐ's): key, number.
SECTIONS = [
    ("purposes_requirements", "I"),
    ("purposes", "1"),
    ("requirements", "2"),
    ("targets", "II"),
    ("tasks", "III"),
    ("budget", "IV"),
    ("implementation", "V"),
]


def forward(apps, schema_editor):
    Plan = apps.get_model("plans", "Plan")
    PlanSection = apps.get_model("plans", "PlanSection")
    Target = apps.get_model("plans", "Target")
    TargetMilestone = apps.get_model("plans", "TargetMilestone")
    for plan in Plan.objects.all():
        PlanSection.objects.bulk_create(
            PlanSection(plan=plan, key=key, number=number, order=order)
            for order, (key, number) in enumerate(SECTIONS)
        )
        plan.objective_groups.update(section="II")
        plan.task_groups.update(section="III")
        plan.clauses.update(section="V")
    milestones = []
    for target in Target.objects.select_related("indicator"):
        if target.scope == "every_commune":
            target.measure, target.subject = "share_of_units", "commune"
            value, value_max = target.commune_share, None
        else:
            target.measure = "level" if target.indicator.kind == "level" else "rate"
            value, value_max = target.value, target.value_max
        target.save(update_fields=["measure", "subject"])
        milestones.append(
            TargetMilestone(
                target=target,
                year=target.due_year,
                value=value,
                value_max=value_max,
                aspirational=target.aspirational,
            )
        )
    TargetMilestone.objects.bulk_create(milestones)


def backward(apps, schema_editor):
    apps.get_model("plans", "TargetMilestone").objects.all().delete()
    apps.get_model("plans", "PlanSection").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_plan_tree"), ("indicators", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
