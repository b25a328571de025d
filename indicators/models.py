"""Data elements, their disaggregations, periods, the value store and indicator formulas."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Period(models.Model):
    """A reporting period; yearly for now (code "2020")."""

    class Kind(models.TextChoices):
        YEAR = "year", _("year")

    code = models.CharField(_("code"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.YEAR)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")

    def __str__(self) -> str:
        return self.code


class Disaggregation(models.Model):
    """One option of a disaggregation dimension: sex F / M, or an age band such as 15-35."""

    class Dimension(models.TextChoices):
        SEX = "sex", _("sex")
        AGE_BAND = "age_band", _("age band")

    dimension = models.CharField(_("dimension"), max_length=10, choices=Dimension)
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["dimension", "order"]
        verbose_name = _("disaggregation")
        verbose_name_plural = _("disaggregations")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="disaggregation_unique")
        ]

    def __str__(self) -> str:
        return self.name


class DataElement(models.Model):
    """A figure a unit reports or a module computes: persons aged 15-60, literate persons, ..."""

    class ValueType(models.TextChoices):
        COUNT = "count", _("count")
        LEVEL = "level", _("level reached")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("sum over the subtree")
        NONE = "none", _("the unit's own value only")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    value_type = models.CharField(
        _("value type"), max_length=10, choices=ValueType, default=ValueType.COUNT
    )
    aggregation = models.CharField(
        _("aggregation"), max_length=10, choices=Aggregation, default=Aggregation.SUM
    )
    unit_of_measure = models.CharField(_("unit of measure"), max_length=40, blank=True)
    disaggregations = models.ManyToManyField(
        Disaggregation, verbose_name=_("disaggregations"), blank=True
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")

    def __str__(self) -> str:
        return self.name


class DataValue(models.Model):
    """One number: (unit, period, element, sex, age band) → value, with its source.

    An empty sex or age band means the element is not broken down by that dimension.
    Every change is kept in the history table (who, when, old and new value).
    """

    class Source(models.TextChoices):
        ENTERED = "entered", _("entered in a form")
        IMPORTED = "imported", _("imported")
        COMPUTED = "computed", _("computed")
        DEMO = "demo", _("demo (synthetic)")

    unit = models.ForeignKey(
        "units.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="values"
    )
    period = models.ForeignKey(Period, verbose_name=_("period"), on_delete=models.PROTECT)
    element = models.ForeignKey(
        DataElement, verbose_name=_("data element"), on_delete=models.PROTECT
    )
    sex = models.CharField(_("sex"), max_length=1, blank=True, default="")
    age_band = models.CharField(_("age band"), max_length=16, blank=True, default="")
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    source = models.CharField(_("source"), max_length=10, choices=Source, default=Source.ENTERED)
    comment = models.TextField(_("comment"), blank=True)
    # Where the number came from, as people read it: the form, the unit that entered it and
    # who approved it; or the register it was computed from. Kept in every history row.
    origin = models.CharField(_("origin"), max_length=300, blank=True, default="")
    # The version of the rules that computed the value ("pcgd-xmc-nd20-2014@1"); empty for
    # values people entered.
    rule_set = models.CharField(_("rule set"), max_length=100, blank=True, default="")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "element", "sex", "age_band"], name="datavalue_unique"
            ),
        ]
        indexes = [
            # Who reported which elements in a year (indicators.completeness) is read from
            # this index alone: the unit is in it, so the table's rows are not visited.
            models.Index(
                fields=["element", "period", "unit"], name="datavalue_element_period_unit"
            ),
            # Every page asks whether demo values exist (the banner); a partial index
            # answers that without scanning a national value table that holds none.
            models.Index(fields=["source"], condition=Q(source="demo"), name="datavalue_demo"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period} · {self.element.code} = {self.value}"


class Indicator(models.Model):
    """A formula over data elements, aggregated by summing its parts, never by averaging.

    ratio:  sum(numerator) / sum(denominator) × factor (factor 100 gives a percentage)
    parity: (numerator / denominator for women) ÷ (the same for men), UNESCO's parity index
    level:  the unit's own value of the numerator element (a level a unit is recognised at)
    """

    class Kind(models.TextChoices):
        RATIO = "ratio", _("ratio of sums")
        PARITY = "parity", _("gender parity index")
        LEVEL = "level", pgettext_lazy("indicator kind", "level")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.RATIO)
    numerator = models.ForeignKey(
        DataElement, verbose_name=_("numerator"), on_delete=models.PROTECT, related_name="+"
    )
    numerator_sex = models.CharField(max_length=1, blank=True, default="")
    numerator_age_band = models.CharField(max_length=16, blank=True, default="")
    denominator = models.ForeignKey(
        DataElement,
        verbose_name=_("denominator"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    denominator_sex = models.CharField(max_length=1, blank=True, default="")
    denominator_age_band = models.CharField(max_length=16, blank=True, default="")
    factor = models.DecimalField(_("factor"), max_digits=10, decimal_places=4, default=100)
    unit_label = models.CharField(_("unit label"), max_length=20, blank=True, default="%")
    decimals = models.PositiveSmallIntegerField(_("decimals shown"), default=1)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="level") | Q(denominator__isnull=False),
                name="indicator_ratio_needs_denominator",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SubtreeTotal(models.Model):
    """The sum of one element's values on the units below a unit (not on the unit itself).

    Kept only for units with descendants that have values, and only by the value store's
    services (indicators.services), in the same transaction as the values themselves, so
    a province or the nation reads about a hundred rows instead of summing a million
    values (docs/benchmarks.md). `python manage.py rebuild_subtree_totals` recomputes it.
    """

    unit = models.ForeignKey("units.OrgUnit", on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="+")
    sex = models.CharField(max_length=1, blank=True, default="")
    age_band = models.CharField(max_length=16, blank=True, default="")
    total = models.DecimalField(max_digits=24, decimal_places=4)

    class Meta:
        verbose_name = _("subtree total")
        verbose_name_plural = _("subtree totals")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "element", "sex", "age_band"],
                name="subtreetotal_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.period_id} · {self.element_id} = {self.total}"
