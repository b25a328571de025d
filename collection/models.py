"""Data sets, reporting rounds, what each unit owes, submissions and their entered values."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DataSet(models.Model):
    """The data elements a kind of unit reports together, with their validation rules."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    # Which units owe it by default when a round opens: an administrative level (e.g.
    # "commune") or unit kinds (e.g. "department"), within the round owner's subtree.
    unit_level = models.CharField(_("unit level"), max_length=20, blank=True)
    unit_kinds = models.JSONField(_("unit kinds"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DataSetElement(models.Model):
    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="members")
    element = models.ForeignKey(
        "indicators.DataElement", verbose_name=_("data element"), on_delete=models.PROTECT
    )
    section = models.CharField(_("section"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    required = models.BooleanField(_("required"), default=False)

    class Meta:
        verbose_name = _("data set element")
        verbose_name_plural = _("data set elements")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["data_set", "element"], name="dataset_element_once")
        ]

    def __str__(self) -> str:
        return f"{self.data_set_id}:{self.element_id}"


class ValidationRule(models.Model):
    """A rule over a data set's values (collection/validation.py runs it)."""

    class Severity(models.TextChoices):
        HARD = "hard", _("blocks submission")
        SOFT = "soft", _("warning, needs an explanation")

    class Check(models.TextChoices):
        AT_MOST = "at_most", _("at most another element (a part never larger than its whole)")
        CHANGE_WITHIN = "change_within", _("changes from last year within a share")

    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(_("code"), max_length=60)
    severity = models.CharField(_("severity"), max_length=4, choices=Severity)
    kind = models.CharField(_("check"), max_length=20, choices=Check)
    element = models.ForeignKey(
        "indicators.DataElement", on_delete=models.PROTECT, related_name="+"
    )
    other = models.ForeignKey(
        "indicators.DataElement", on_delete=models.PROTECT, related_name="+", null=True,
        blank=True,
    )  # fmt: skip
    share = models.DecimalField(_("share"), max_digits=6, decimal_places=4, null=True, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        constraints = [
            models.UniqueConstraint(fields=["data_set", "code"], name="rule_code_in_data_set")
        ]

    def __str__(self) -> str:
        return self.code


class ReportingRound(models.Model):
    """A yearly report the office asks for: which data sets are due from which units, by when."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=300)
    owner = models.ForeignKey(
        "units.OrgUnit", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.ForeignKey(
        "indicators.Period", verbose_name=_("period"), on_delete=models.PROTECT
    )
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
    )
    opens_on = models.DateField(_("opens on"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=6, choices=Status, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        ordering = ["-opens_on", "code"]

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    """What one unit owes for one data set in a round, and where it stands."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        APPROVED = "approved", _("approved")

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="submissions")
    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("units.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)  # the office's, on return or reopening
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "data_set", "unit"], name="submission_once_per_unit"
            )
        ]
        indexes = [models.Index(fields=["unit", "status"], name="submission_unit_status")]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.data_set_id}:{self.unit_id}"


class Entry(models.Model):
    """A value as the unit typed it, with its explanation; it reaches the value store when
    the submission is approved."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="entries")
    element = models.ForeignKey("indicators.DataElement", on_delete=models.PROTECT)
    sex = models.CharField(_("sex"), max_length=1, blank=True, default="")
    age_band = models.CharField(_("age band"), max_length=16, blank=True, default="")
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True)
    explanation = models.TextField(_("explanation"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("entered value")
        verbose_name_plural = _("entered values")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "element", "sex", "age_band"], name="entry_once_per_cell"
            )
        ]

    def __str__(self) -> str:
        return f"{self.element_id} {self.sex}{self.age_band} = {self.value}"


class TaskReport(models.Model):
    """A body's report, in a round, on the progress of one duty section V gives it."""

    class Progress(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="task_reports")
    # PROTECT: a plan reload may not delete a duty that has progress reports.
    duty = models.ForeignKey("plans.Duty", on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey("units.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT)
    progress = models.CharField(
        _("progress"), max_length=12, choices=Progress, default=Progress.NOT_STARTED
    )
    text = models.TextField(_("what was done"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("task progress report")
        verbose_name_plural = _("task progress reports")
        constraints = [
            models.UniqueConstraint(fields=["round", "duty", "unit"], name="task_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.duty_id}:{self.unit_id}"


def evidence_path(instance: Evidence, filename: str) -> str:
    """A stored name the uploader does not choose: round, a random id, the checked kind."""
    import uuid

    return f"evidence/{instance.report.round_id}/{uuid.uuid4().hex}.{instance.kind}"


class Evidence(models.Model):
    """A file attached to a task report (PDF, DOCX, XLSX, JPEG, PNG, checked by content)."""

    report = models.ForeignKey(TaskReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=evidence_path)
    name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=5)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.name
