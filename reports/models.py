"""Report drafts (narrative, recipients, signer), registers of outgoing reports, issued reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The signer's authority prefixes of NĐ 30/2020 (Đ13; reference §4): an authority line
# must start with one of them, so the block is always built from parts, never typed whole.
AUTHORITY_PREFIXES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")


class ReportDraft(models.Model):
    """What a person writes before a yearly report is generated: one per plan, unit and year.

    The figures are never stored here; they come from the data each time the document is
    composed. `version` is the optimistic lock every save checks (reports.services)."""

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "units.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # {section key of reports.yearly.NARRATIVE_SECTIONS: text}
    narrative = models.JSONField(_("narrative"), default=dict, blank=True)
    parent_name = models.CharField(_("parent body"), max_length=200, blank=True)
    issuer_name = models.CharField(_("issuing body"), max_length=200, blank=True)
    symbol = models.CharField(_("symbol"), max_length=40, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    recipients = models.JSONField(_("to (Kính gửi)"), default=list, blank=True)
    copies_to = models.JSONField(_("copies to (Nơi nhận)"), default=list, blank=True)
    filing = models.CharField(_("filing line"), max_length=200, blank=True)
    signer_name = models.CharField(_("signer"), max_length=120, blank=True)
    signer_authority = models.JSONField(_("authority prefixes"), default=list, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=120, blank=True)
    signer_host_position = models.CharField(
        _("position in the host body"), max_length=200, blank=True,
        help_text=_("Only when an advisory body (Ban Chỉ đạo, Hội đồng) issues the report"),
    )  # fmt: skip
    version = models.PositiveIntegerField(_("version"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report draft")
        verbose_name_plural = _("report drafts")
        ordering = ["-year", "plan", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit", "year"], name="reportdraft_once")
        ]

    def __str__(self) -> str:
        return f"{self.plan.code} · {self.unit} · {self.year}"


class RegisterCounter(models.Model):
    """The last number given in one series of an issuer's register of outgoing reports for a
    year (NĐ 30 Đ15: numbers run from 01 each 01/01). A series is an issuing unit and a
    symbol: an advisory body (BC-BCĐ) keeps its own series beside its host's (BC-UBND)."""

    unit = models.ForeignKey(
        "units.OrgUnit", verbose_name=_("issuing unit"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    symbol = models.CharField(_("symbol"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number given"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("register of outgoing reports")
        verbose_name_plural = _("registers of outgoing reports")
        ordering = ["-year", "unit__path", "symbol"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "symbol", "year"], name="registercounter_once")
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.symbol} · {self.year}: {self.last_number}"


class IssuedReportQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("An issued report cannot be changed.")


class IssuedReport(models.Model):
    """A report as it was issued: its number in the register, the exact .docx bytes and the
    data snapshot behind them (reports.yearly.compose). Never changed after it is written.

    The file is a BinaryField, not a FileField: the number, the bytes and the snapshot are
    written in one transaction (a failed issue leaves no file behind and a file never lacks
    its row), a backup of the database holds everything the register needs, and a report
    weighs tens of kilobytes, a few per unit and year."""

    draft = models.ForeignKey(
        ReportDraft, verbose_name=_("draft"), on_delete=models.PROTECT, related_name="issued"
    )
    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "units.OrgUnit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # The register: the series (issuing unit, symbol, year of issue) and its number.
    symbol = models.CharField(_("symbol"), max_length=40)
    register_year = models.PositiveSmallIntegerField(_("year of the register"))
    number = models.PositiveIntegerField(_("number"))
    issuer_name = models.CharField(_("issuing body"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    docx = models.BinaryField(_("document (.docx)"))
    sha256 = models.CharField(_("SHA-256 of the document"), max_length=64)
    snapshot = models.JSONField(_("data snapshot"))
    # What the person wrote, as issued (the draft goes on changing after).
    draft_data = models.JSONField(_("draft as issued"))

    objects = IssuedReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "symbol", "register_year", "number"], name="issuedreport_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number_symbol} · {self.unit}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("An issued report cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("An issued report cannot be deleted.")

    @property
    def number_symbol(self) -> str:
        """The "01/BC-UBND" of the letterhead: zero-padded below 10 (NĐ 30, Phụ lục I)."""
        return f"{self.number:02d}/{self.symbol}"
