"""A plan as data: a node of the plan tree with its sections, targets, tasks and duties."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Reading(models.TextChoices):
    """How surely a piece of plan data was read from its legal text (docs/plan-data.md)."""

    CONFIRMED = "confirmed", _("read in the text")
    SECONDARY = "secondary", _("read in a secondary source")
    UNCONFIRMED = "unconfirmed", _("not confirmed")


class Plan(models.Model):
    """A plan issued by a unit (`owner`, the issuing unit) for a period; it implements the
    plans above it and may succeed the plan of an earlier cycle (1373 succeeds 89)."""

    class Kind(models.TextChoices):
        SCHEME = "scheme", _("scheme (Đề án)")
        PROGRAMME = "programme", _("programme (Chương trình)")
        PLAN = "plan", _("plan (Kế hoạch)")
        DIRECTIVE = "directive", _("directive (Chỉ thị)")
        RESOLUTION = "resolution", _("resolution (Nghị quyết)")
        DECISION = "decision", _("decision (Quyết định)")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    number = models.CharField(_("number"), max_length=40)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.PLAN)
    title = models.TextField(_("title"))
    issued_on = models.DateField(_("issued on"))
    issuer = models.CharField(_("issuer"), max_length=200)
    place = models.CharField(_("place"), max_length=100, blank=True)
    owner = models.ForeignKey(
        "units.OrgUnit",
        verbose_name=_("issuing unit"),
        on_delete=models.PROTECT,
        related_name="plans",
    )
    implements = models.ManyToManyField(
        "self",
        verbose_name=_("implements"),
        symmetrical=False,
        blank=True,
        related_name="implemented_by",
    )
    succeeds = models.ForeignKey(
        "self",
        verbose_name=_("succeeds (plan of the previous cycle)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successors",
    )
    headers_only = models.BooleanField(
        _("header only"),
        default=False,
        help_text=_("Only the plan's header is held, as a node of the plan tree"),
    )
    reading = models.CharField(
        _("reading"), max_length=12, choices=Reading, default=Reading.CONFIRMED
    )
    reading_note = models.TextField(_("note on the reading"), blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    preamble = models.TextField(_("preamble"), blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=200, blank=True)
    signer_name = models.CharField(_("signer"), max_length=100, blank=True)
    source_file = models.CharField(_("source file"), max_length=300, blank=True)
    source_sha256 = models.CharField(_("source file checksum"), max_length=64, blank=True)
    data_version = models.CharField(_("data version"), max_length=40, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"


class LegalReference(models.Model):
    """A legal basis of the plan, or a higher plan it implements."""

    class Relation(models.TextChoices):
        BASIS = "basis", _("legal basis")
        IMPLEMENTS = "implements", _("implements")
        CITED = "cited", _("cited")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="references")
    relation = models.CharField(_("relation"), max_length=12, choices=Relation)
    number = models.CharField(_("number"), max_length=60)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    title = models.TextField(_("title"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("legal reference")
        verbose_name_plural = _("legal references")

    def __str__(self) -> str:
        return self.number


class PlanSection(models.Model):
    """A heading of the plan's own layout: its number and, if the plan words it, its title.

    `key` says what the section holds, so pages place it; the number ("II", "1") is data.
    A blank title shows the section kind's translated name.
    """

    class Key(models.TextChoices):
        PURPOSES_REQUIREMENTS = "purposes_requirements", _("Purposes and requirements")
        PURPOSES = "purposes", _("Purposes")
        REQUIREMENTS = "requirements", _("Requirements")
        TARGETS = "targets", _("Targets")
        TASKS = "tasks", _("Tasks and solutions")
        BUDGET = "budget", _("Budget")
        IMPLEMENTATION = "implementation", _("Implementation")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(_("holds"), max_length=24, choices=Key)
    number = models.CharField(_("number"), max_length=20)
    title = models.TextField(_("title"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("plan section")
        verbose_name_plural = _("plan sections")
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="plansection_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading}"

    @property
    def heading(self) -> str:
        return self.title or str(self.get_key_display())


class PlanStatement(models.Model):
    """A paragraph of the plan that is text, not a measurable target: purposes, aims, ..."""

    class Kind(models.TextChoices):
        PURPOSE = "purpose", _("purpose")
        REQUIREMENT = "requirement", _("requirement")
        AIM = "aim", _("qualitative aim")
        GENERAL_DUTY = "general_duty", _("duty of every responsible body")
        CLOSING = "closing", _("closing provision")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="statements")
    section = models.CharField(_("section"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    text = models.TextField(_("text"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("plan statement")
        verbose_name_plural = _("plan statements")

    def __str__(self) -> str:
        return f"{self.section}: {self.text[:60]}"


class ObjectiveGroup(models.Model):
    """A numbered group of the plan's targets, e.g. "1. Xóa mù chữ và phổ cập giáo dục";
    `section` is the number of the section that holds it ("II" in plan 08)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objective_groups")
    section = models.CharField(_("section"), max_length=20, blank=True)
    number = models.CharField(_("number"), max_length=10)
    title = models.TextField(_("title"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("objective group")
        verbose_name_plural = _("objective groups")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def full_number(self) -> str:
        return f"{self.section}.{self.number}" if self.section else self.number


class Target(models.Model):
    """A measurable target: what it measures over which subject, its milestones, the target
    of the plan above it that it localises, and its legal clause.

    `measure` and `subject` say what is counted: the rate of an indicator at the plan's
    unit; the share of units of a level or kind (`subject`: provinces, communes, CLCs) that
    meet a condition; a count; or the level one unit reaches. For a share of units,
    `comparator`/`value`/`value_max` are the condition each unit must meet and the
    milestones hold the share (at least); otherwise the milestones hold the figure to reach
    and `comparator` compares it. `value`, `value_max`, `due_year`, `scope`, `commune_share`
    and `aspirational` restate the last milestone in the shape plan 08 was written in; the
    evaluation reads them until it reads the milestones.
    """

    class Comparator(models.TextChoices):
        GT = "gt", _("above")
        GTE = "gte", _("at least")
        EQ = "eq", _("exactly")
        LTE = "lte", _("at most")
        LT = "lt", _("below")
        RISES = "rises", _("rises every year")
        PARITY = "parity", _("within the parity range")

    class Scope(models.TextChoices):
        UNIT = "unit", _("the unit as a whole")
        EVERY_COMMUNE = "every_commune", _("every commune")

    class Measure(models.TextChoices):
        RATE = "rate", _("rate of an indicator")
        SHARE_OF_UNITS = "share_of_units", _("share of units meeting a condition")
        COUNT = "count", _("count")
        LEVEL = "level", _("level reached by the unit")

    class Relation(models.TextChoices):
        REBASED = "rebased", _("re-based on the plan's own sub-units")
        COLLAPSED = "collapsed", _("collapsed to one unit")
        STRICTER = "stricter", _("same subject, stricter value")
        SAME = "same", _("same as the parent target")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    group = models.ForeignKey(ObjectiveGroup, on_delete=models.CASCADE, related_name="targets")
    code = models.SlugField(_("code"), max_length=40)
    clause = models.CharField(_("clause"), max_length=40)
    text = models.TextField(_("wording"))
    indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    measure = models.CharField(_("measure"), max_length=16, choices=Measure, default=Measure.RATE)
    subject = models.CharField(
        _("subject"),
        max_length=40,
        blank=True,
        help_text=_("The unit level or kind counted (province, commune, clc, persons_15_plus…)"),
    )
    condition_text = models.TextField(
        _("condition"),
        blank=True,
        help_text=_("For a share of units: the condition in words, when no indicator holds it"),
    )
    comparator = models.CharField(_("comparator"), max_length=10, choices=Comparator)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=4, null=True, blank=True)
    value_max = models.DecimalField(
        _("upper bound"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    scope = models.CharField(_("scope"), max_length=20, choices=Scope, default=Scope.UNIT)
    commune_share = models.DecimalField(
        _("share of communes required (%)"),
        max_digits=7,
        decimal_places=4,
        default=100,
        help_text=_("For targets on every commune: the share of communes that must meet it"),
    )
    population_group = models.CharField(_("population group"), max_length=200, blank=True)
    due_year = models.PositiveSmallIntegerField(_("due year"))
    aspirational = models.BooleanField(
        _("aspirational"), default=False, help_text=_("The plan says 'phấn đấu' (strive for)")
    )
    parent_target = models.ForeignKey(
        "self",
        verbose_name=_("parent target"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="localised_by",
    )
    parent_relation = models.CharField(
        _("relation to the parent target"), max_length=10, choices=Relation, blank=True
    )
    part_of = models.ForeignKey(
        "self",
        verbose_name=_("part of (of which)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parts",
    )
    void_from = models.DateField(_("void from"), null=True, blank=True)
    void_reason = models.TextField(_("why void"), blank=True)
    reading = models.CharField(
        _("reading"), max_length=12, choices=Reading, default=Reading.CONFIRMED
    )
    reading_note = models.TextField(_("note on the reading"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="target_unique_code"),
            models.CheckConstraint(
                condition=Q(comparator="rises") | Q(value__isnull=False),
                name="target_value_required",
            ),
            models.CheckConstraint(
                condition=~Q(comparator="parity") | Q(value_max__isnull=False),
                name="target_parity_needs_range",
            ),
            models.CheckConstraint(
                condition=Q(parent_target__isnull=True) | ~Q(parent_relation=""),
                name="target_parent_needs_relation",
            ),
            models.CheckConstraint(
                condition=Q(void_from__isnull=True) | ~Q(void_reason=""),
                name="target_void_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clause}: {self.text[:60]}"

    def is_void_on(self, day) -> bool:
        return self.void_from is not None and day >= self.void_from


class TargetMilestone(models.Model):
    """The value a target asks for by a year (1373: 2025 and 2030); for a share of units,
    the share (%) of the subject units that must meet the target's condition."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=4, null=True, blank=True)
    value_max = models.DecimalField(
        _("upper bound"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    aspirational = models.BooleanField(
        _("aspirational"), default=False, help_text=_("The plan says 'phấn đấu' (strive for)")
    )

    class Meta:
        ordering = ["target", "year"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(fields=["target", "year"], name="milestone_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.target.code} {self.year}: {self.value}"


def milestone_in_force(milestones, year: int):
    """The milestone that applies to `year`: the first due in or after it, else the last."""
    ordered = sorted(milestones, key=lambda m: m.year)
    return next((m for m in ordered if m.year >= year), ordered[-1] if ordered else None)


class TaskGroup(models.Model):
    """A group of the plan's tasks and solutions; `section` numbers the section holding it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="task_groups")
    section = models.CharField(_("section"), max_length=20, blank=True)
    number = models.CharField(_("number"), max_length=10)
    title = models.TextField(_("title"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("task group")
        verbose_name_plural = _("task groups")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def full_number(self) -> str:
        return f"{self.section}.{self.number}" if self.section else self.number


class Task(models.Model):
    """One item of a task group; `subgroup` holds a heading such as "3.1. Trung tâm ..."."""

    group = models.ForeignKey(TaskGroup, on_delete=models.CASCADE, related_name="tasks")
    code = models.CharField(_("code"), max_length=20)
    subgroup = models.CharField(_("subgroup"), max_length=300, blank=True)
    text = models.TextField(_("text"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["group", "order"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"


class BudgetSource(models.Model):
    class Kind(models.TextChoices):
        STATE_BUDGET = "state_budget", _("state budget")
        OTHER = "other", _("other sources")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budget_sources")
    number = models.CharField(_("number"), max_length=10)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    text = models.TextField(_("text"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("budget source")
        verbose_name_plural = _("budget sources")

    def __str__(self) -> str:
        return self.text[:60]


class ResponsibilityClause(models.Model):
    """A numbered clause of the plan's implementation section: one body, or a group of
    bodies, and its duties; `section` numbers the section holding it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="clauses")
    section = models.CharField(_("section"), max_length=20, blank=True)
    number = models.CharField(_("number"), max_length=10)
    heading = models.CharField(_("heading"), max_length=300)
    unit = models.ForeignKey(
        "units.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "units.UnitGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_request = models.BooleanField(
        _("by request"), default=False, help_text=_("The plan asks rather than assigns (Đề nghị)")
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("responsibility clause")
        verbose_name_plural = _("responsibility clauses")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, group__isnull=True)
                | Q(unit__isnull=True, group__isnull=False),
                name="clause_unit_xor_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_number}. {self.heading}"

    @property
    def full_number(self) -> str:
        return f"{self.section}.{self.number}" if self.section else self.number

    @property
    def party(self):
        return self.unit or self.group


class Duty(models.Model):
    """One duty of a clause: the clause's body leads it (chủ trì) or partners in it (phối hợp).

    `named_units` / `named_groups` are the other bodies the duty names: the partners of a
    duty the clause's body leads, or the lead of a duty it partners in.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("lead")
        PARTNER = "partner", _("partner")

    clause = models.ForeignKey(
        ResponsibilityClause, on_delete=models.CASCADE, related_name="duties"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))
    role = models.CharField(_("role"), max_length=10, choices=Role)
    tasks = models.ManyToManyField(Task, verbose_name=_("tasks served"), related_name="duties")
    targets = models.ManyToManyField(
        Target, verbose_name=_("targets served"), blank=True, related_name="duties"
    )
    named_units = models.ManyToManyField(
        "units.OrgUnit", verbose_name=_("bodies named"), blank=True, related_name="named_in_duties"
    )
    named_groups = models.ManyToManyField(
        "units.UnitGroup",
        verbose_name=_("groups named"),
        blank=True,
        related_name="named_in_duties",
    )
    named_text = models.CharField(
        _("others named"),
        max_length=300,
        blank=True,
        help_text=_("Parties named only in general terms, e.g. 'các phòng, ban, ngành liên quan'"),
    )

    class Meta:
        ordering = ["clause", "number"]
        verbose_name = _("duty")
        verbose_name_plural = _("duties")

    def __str__(self) -> str:
        return f"{self.clause.full_number}.{self.number}: {self.text[:60]}"
