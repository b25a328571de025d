"""The PCGD-XMC register (households, persons, the commune's yearly settings) and its rule sets."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.text import fold

SEARCH_KEY_LENGTH = 300
STALLED_AFTER = datetime.timedelta(minutes=15)  # a job without progress for this long stopped


def search_key(*texts: str) -> str:
    """What the register's search matches: the texts folded (no case, no diacritics)."""
    return fold(" ".join(t for t in texts if t))[:SEARCH_KEY_LENGTH]


class RuleSet(models.Model):
    """A versioned copy of a rule set file; the newest active one is used by the pages."""

    code = models.CharField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    title = models.CharField(_("title"), max_length=300, blank=True)
    content = models.JSONField(_("content"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    active = models.BooleanField(_("active"), default=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("PCGD-XMC rule set")
        verbose_name_plural = _("PCGD-XMC rule sets")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="ruleset_code_version")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"

    def clean(self) -> None:
        from .rules import RuleSetError, build

        try:
            build(self.content)
        except RuleSetError as error:
            raise ValidationError({"content": str(error)}) from error


class CommuneYear(models.Model):
    """A commune's standing for the register in a year: especially disadvantaged or not.

    The list of disadvantaged communes changes, so the flag is dated by year; a year with
    no row takes the latest earlier one.
    """

    commune = models.ForeignKey(
        "units.OrgUnit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    disadvantaged = models.BooleanField(_("especially disadvantaged commune"), default=False)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commune register year")
        verbose_name_plural = _("commune register years")
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="communeyear_commune_year")
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.year}"


class Household(models.Model):
    commune = models.ForeignKey(
        "units.OrgUnit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(_("household number"), max_length=40)
    village = models.CharField(_("village or residential group"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # fold(code), kept by the services on every write: search ignores case and diacritics.
    search_key = models.CharField(max_length=SEARCH_KEY_LENGTH, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="household_commune_code")
        ]
        indexes = [models.Index(fields=["commune", "search_key"], name="household_commune_search")]

    def __str__(self) -> str:
        return self.code


class Person(models.Model):
    """One surveyed person, as the commune's register holds them at its reference date."""

    class Sex(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    class Residence(models.TextChoices):
        PERMANENT = "permanent", _("permanent resident")
        TEMPORARY = "temporary", _("temporary resident")
        MOVED_AWAY = "moved_away", _("moved away")
        DECEASED = "deceased", _("deceased")

    class Disability(models.TextChoices):
        NONE = "none", _("no disability")
        CAN_LEARN = "can_learn", _("disability, able to learn")
        CANNOT_LEARN = "cannot_learn", _("disability, unable to learn")

    class Studying(models.TextChoices):
        NONE = "none", _("not studying")
        PRESCHOOL = "preschool", _("preschool")
        PRIMARY = "primary", _("primary school")
        LOWER_SECONDARY = "lower_secondary", _("lower secondary school")
        UPPER_SECONDARY = "upper_secondary", _("upper secondary school")
        CONTINUING = "continuing", _("continuing education")
        VOCATIONAL = "vocational", _("vocational education")

    commune = models.ForeignKey(
        "units.OrgUnit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="persons"
    )
    code = models.CharField(_("person id"), max_length=40)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=60, blank=True)
    residence = models.CharField(_("residence"), max_length=12, choices=Residence, blank=True)
    disability = models.CharField(
        _("disability"), max_length=12, choices=Disability, default=Disability.NONE
    )
    studying = models.CharField(
        _("studying at the reference date"), max_length=16, choices=Studying, blank=True
    )
    preschool_completed = models.BooleanField(_("completed preschool"), null=True, blank=True)
    grade1_entry_year = models.PositiveSmallIntegerField(
        _("year entered grade 1"), null=True, blank=True
    )
    primary_completed_year = models.PositiveSmallIntegerField(
        _("year primary was completed"), null=True, blank=True
    )
    lower_secondary_diploma_year = models.PositiveSmallIntegerField(
        _("year of the lower secondary diploma"), null=True, blank=True
    )
    highest_grade_completed = models.PositiveSmallIntegerField(
        _("highest grade completed"), null=True, blank=True
    )
    literacy_stage_completed = models.PositiveSmallIntegerField(
        _("literacy programme stage completed"), null=True, blank=True
    )
    # fold(code + full name), kept by the services on every write (bulk ones included).
    search_key = models.CharField(max_length=SEARCH_KEY_LENGTH, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
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
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="person_commune_code"),
            models.CheckConstraint(
                condition=models.Q(highest_grade_completed__lte=12),
                name="person_grade_at_most_12",
            ),
            models.CheckConstraint(
                condition=models.Q(literacy_stage_completed__lte=2),
                name="person_stage_at_most_2",
            ),
        ]
        indexes = [
            models.Index(fields=["commune", "birth_year"], name="person_commune_birth"),
            models.Index(fields=["commune", "search_key"], name="person_commune_search"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.full_name}"


class PersonAccess(models.Model):
    """Audit of every export or list of persons: personal data of children leaves the system."""

    class Action(models.TextChoices):
        EXPORT = "export", _("export")
        LIST = "list", _("list")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT
    )
    unit = models.ForeignKey("units.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT)
    action = models.CharField(_("action"), max_length=10, choices=Action)
    what = models.CharField(_("what"), max_length=300)
    rows = models.PositiveIntegerField(_("rows"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.what}"


class RegisterImport(models.Model):
    """One upload of the register: checked and previewed, then written once confirmed, both
    by a background task (universalization.jobs); the page polls this row for progress."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("checking the file")
        REFUSED = "refused", _("refused")
        READY = "ready", _("waiting for your confirmation")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("writing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    unit = models.ForeignKey(
        "units.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("file"), max_length=300)
    # Where the uploaded files wait for the worker; removed once the import ends.
    folder = models.CharField(max_length=500, blank=True, editable=False)
    language = models.CharField(max_length=10, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.CHECKING)
    total = models.PositiveIntegerField(_("persons in the file"), default=0)
    done = models.PositiveIntegerField(_("persons written"), default=0)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    more_errors = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} ({self.status})"

    @property
    def working(self) -> bool:
        """Whether the page should keep polling."""
        return self.status in (self.Status.CHECKING, self.Status.QUEUED, self.Status.RUNNING)

    @property
    def stalled(self) -> bool:
        """Queued or writing, without a sign of life for STALLED_AFTER: the worker stopped."""
        quiet = timezone.now() - self.updated_at > STALLED_AFTER
        return self.status in (self.Status.QUEUED, self.Status.RUNNING) and quiet

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0
