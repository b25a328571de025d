"""A plan as data: its header, aims, targets, task groups, budget sources and duties."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Plan(models.Model):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    number = models.CharField(_("number"), max_length=40)
    title = models.TextField(_("title"))
    issued_on = models.DateField(_("issued on"))
    issuer = models.CharField(_("issuer"), max_length=200)
    place = models.CharField(_("place"), max_length=100, blank=True)
    owner = models.ForeignKey(
        "units.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="plans"
    )
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
    """A numbered group of section II (targets), e.g. "1. Xóa mù chữ và phổ cập giáo dục"."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objective_groups")
    number = models.CharField(_("number"), max_length=10)
    title = models.TextField(_("title"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("objective group")
        verbose_name_plural = _("objective groups")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Target(models.Model):
    """A measurable target: indicator, comparator, value, scope, population group, due year."""

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

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    group = models.ForeignKey(ObjectiveGroup, on_delete=models.CASCADE, related_name="targets")
    code = models.SlugField(_("code"), max_length=40)
    clause = models.CharField(_("clause"), max_length=40)
    text = models.TextField(_("wording"))
    indicator = models.ForeignKey(
        "indicators.Indicator", verbose_name=_("indicator"), on_delete=models.PROTECT
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
        ]

    def __str__(self) -> str:
        return f"{self.clause}: {self.text[:60]}"


class TaskGroup(models.Model):
    """One of section III's groups of tasks and solutions."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="task_groups")
    number = models.CharField(_("number"), max_length=10)
    title = models.TextField(_("title"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("task group")
        verbose_name_plural = _("task groups")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


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
    """A numbered clause of section V: one body, or a group of bodies, and its duties."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="clauses")
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
        return f"V.{self.number}. {self.heading}"

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
        return f"V.{self.clause.number}.{self.number}: {self.text[:60]}"
