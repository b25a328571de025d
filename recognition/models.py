"""Recognition of learning models: criteria sets as data, applications from registration to
decision (TT 24/2023, TT 25/2023), and the registers of families, clans, villages and units."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Model(models.TextChoices):
    """Which learning model a criteria set (and an application or a tally) is about."""

    COMMUNITY_COMMUNE = "cdht_commune", _("learning community, commune level")
    COMMUNITY_DISTRICT = "cdht_district", _("learning community, district level")
    COMMUNITY_PROVINCE = "cdht_province", _("learning community, province level")
    UNIT_DISTRICT = "dvht_district", _("learning unit, district level")
    UNIT_PROVINCE = "dvht_province", _("learning unit, province level")
    FAMILY = "family", _("learning family")
    CLAN = "clan", _("learning clan")
    VILLAGE = "village", _("learning community, village or residential group")
    GRASSROOTS_UNIT = "unit", _("learning unit, grassroots")
    CITIZEN = "citizen", _("learning citizen")


class CriteriaSet(models.Model):
    """One version of a criteria set, as loaded from data/rules/recognition/ and editable by an
    administrator; `content` is the whole set (criteria, indicators, thresholds, procedure) that
    recognition.criteria parses and checks. Every application names the version it used."""

    class Status(models.TextChoices):
        VERIFIED = "verified", _("confirmed")
        PROVISIONAL = "provisional", _("unconfirmed")

    code = models.CharField(_("code"), max_length=60)
    version = models.CharField(_("version"), max_length=20)
    model = models.CharField(_("learning model"), max_length=20, choices=Model)
    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(_("source"), max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=Status)
    valid_from = models.PositiveSmallIntegerField(_("from evaluation year"))
    valid_to = models.PositiveSmallIntegerField(_("to evaluation year"), null=True, blank=True)
    content = models.JSONField(_("content"))
    sha256 = models.CharField(_("SHA-256 of the content"), max_length=64, editable=False)
    active = models.BooleanField(_("active"), default=True)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["model", "code", "-valid_from", "version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="criteria_set_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.version})"


class Application(models.Model):
    """A unit's application for recognition for one evaluation year and one level: from its
    registration through self-assessment, the review meeting, the deciding office's check and
    council, to a decision or a refusal with reasons."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("registered")  # self-assessment under way
        REVIEWED = "reviewed", _("reviewed by the unit")  # review meeting recorded
        SUBMITTED = "submitted", _("submitted")  # dossier sent to the deciding office
        RETURNED = "returned", _("returned for completion")
        IN_COUNCIL = "in_council", _("before the council")
        RECOGNISED = "recognised", _("recognised")
        REFUSED = "refused", _("not recognised")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class UnitKind(models.TextChoices):
        """TT 24/2023 Điều 2: the kinds of learning units its indicators are scoped by."""

        ORGANISATION = "organisation", _("agency, association or commune committee")
        ECONOMIC = "economic", _("enterprise or cooperative")
        PRESCHOOL = "preschool", _("preschool")
        SCHOOL = "school", _("general-education school")
        VOCATIONAL = "vocational", _("vocational or continuing-education institution")

    unit = models.ForeignKey(
        "units.OrgUnit", verbose_name=_("applying unit"), on_delete=models.PROTECT,
        related_name="recognition_applications",
    )  # fmt: skip
    model = models.CharField(_("learning model"), max_length=20, choices=Model)
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.PROTECT,
        related_name="applications",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("evaluation year"))
    level = models.PositiveSmallIntegerField(_("level applied for"))
    # The office that checks the dossier and decides (or proposes the decision): the unit of
    # the decider the criteria set names for the applicant's level and the filing date.
    office = models.ForeignKey(
        "units.OrgUnit", verbose_name=_("deciding office"), on_delete=models.PROTECT,
        related_name="recognition_cases",
    )  # fmt: skip
    decider_title = models.CharField(_("who decides"), max_length=200, blank=True)
    # What the unit is, as the criteria set asks (TT 24: kind and public; TT 25: difficult area).
    unit_kind = models.CharField(_("kind of unit"), max_length=20, choices=UnitKind, blank=True)
    public = models.BooleanField(_("state agency or public service unit"), default=False)
    difficult_area = models.BooleanField(_("difficult area"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.REGISTERED)
    # The engine's last reading of the answers ({"level": …, "levels": {…}}, the exchange
    # format) and, for a cascade, the decisions it counted; frozen at submission and decision.
    result = models.JSONField(_("evaluation"), default=dict, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application for recognition")
        verbose_name_plural = _("applications for recognition")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "model", "year"], name="application_once_per_unit_model_year"
            )
        ]
        indexes = [
            models.Index(fields=["office", "year", "status"], name="application_office_year"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.model}:{self.year}"


class Answer(models.Model):
    """The unit's self-assessment of one indicator: a value in the shape the indicator's kind
    asks ({"value": true}, {"num": n, "den": d}, {"level": 2}, …) with its explanation. A
    prefilled answer names its source and stays linked to it until the unit overrides it."""

    class Source(models.TextChoices):
        TYPED = "typed", _("typed by the unit")
        LINKED = "linked", _("from XHHT's figures")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="answers")
    indicator = models.CharField(_("indicator"), max_length=30)
    value = models.JSONField(_("value"), null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source, default=Source.TYPED)
    source_note = models.CharField(_("where the figure comes from"), max_length=300, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("self-assessed indicator")
        verbose_name_plural = _("self-assessed indicators")
        constraints = [
            models.UniqueConstraint(fields=["application", "indicator"], name="answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.application_id}:{self.indicator}"


def evidence_path(instance: Evidence, filename: str) -> str:
    """A stored name the uploader does not choose: the application, a random id, the kind."""
    return f"recognition/{instance.application_id}/{uuid.uuid4().hex}.{instance.kind}"


class Evidence(models.Model):
    """A file of evidence (minh chứng) for one indicator, or for the whole dossier when
    `indicator` is blank; checked by content as every upload (core.uploads)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.CharField(_("indicator"), max_length=30, blank=True)
    file = models.FileField(_("file"), upload_to=evidence_path)
    name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=5)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.name


class ReviewMeeting(models.Model):
    """The applicant's review meeting (TT 25 Điều 9.2: chaired by a commune leader, with the
    Hội Khuyến học, the Front and the socio-political organisations)."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="review")
    held_on = models.DateField(_("held on"))
    chair = models.CharField(_("chaired by"), max_length=200)
    participants = models.TextField(_("participants"))
    conclusion = models.TextField(_("conclusion"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("review meeting")
        verbose_name_plural = _("review meetings")

    def __str__(self) -> str:
        return f"{self.application_id} {self.held_on}"


class Council(models.Model):
    """The deciding office's council (Hội đồng): an odd number of members, at least five; it
    meets or gives written opinions, and recommends recognition or refusal."""

    class Recommendation(models.TextChoices):
        RECOGNISE = "recognise", _("recognise")
        REFUSE = "refuse", _("do not recognise")

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="council"
    )
    formed_on = models.DateField(_("formed on"))
    formation_number = models.CharField(_("number of the decision forming it"), max_length=60,
                                        blank=True)  # fmt: skip
    met_on = models.DateField(_("met on"), null=True, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation, blank=True
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")

    def __str__(self) -> str:
        return f"{self.application_id} {self.formed_on}"


class CouncilMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", _("chair")
        SECRETARY = "secretary", _("secretary")
        MEMBER = "member", _("member")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position and organisation"), max_length=300)
    role = models.CharField(_("role in the council"), max_length=10, choices=Role)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.name


class Decision(models.Model):
    """The outcome: a decision of recognition (number, date, level, valid for the years the
    criteria set says) or a written refusal with its reasons. Immutable once recorded."""

    class Outcome(models.TextChoices):
        RECOGNISED = "recognised", _("recognised")
        REFUSED = "refused", _("not recognised")

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="decision"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome)
    number = models.CharField(_("number"), max_length=60)
    signed_on = models.DateField(_("signed on"))
    signer = models.CharField(_("signed by"), max_length=200)
    level = models.PositiveSmallIntegerField(_("level recognised"), null=True, blank=True)
    valid_until = models.PositiveSmallIntegerField(_("valid through year"), null=True, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    # The engine's reading and the counted lower-level decisions at the time of the decision.
    result = models.JSONField(_("evaluation"), default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.number} ({self.signed_on})"


class Tally(models.Model):
    """A register line: for one commune (and one village or residential group, or the whole
    commune when blank), one learning model and one year, how many could take part, how many
    registered and how many were recognised. The Hội Khuyến học reports these before 15/12;
    their sums are published to the value store for QĐ 387's targets."""

    commune = models.ForeignKey(
        "units.OrgUnit", verbose_name=_("commune"), on_delete=models.PROTECT,
        related_name="learning_model_tallies",
    )  # fmt: skip
    village = models.CharField(_("village or residential group"), max_length=200, blank=True)
    model = models.CharField(_("learning model"), max_length=20, choices=Model)
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    registered = models.PositiveIntegerField(_("registered"), null=True, blank=True)
    recognised = models.PositiveIntegerField(_("recognised"), null=True, blank=True)
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("learning-model tally")
        verbose_name_plural = _("learning-model tallies")
        ordering = ["commune__path", "year", "village", "model"]
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "village", "model", "year"], name="tally_once"
            ),
            models.CheckConstraint(
                condition=models.Q(registered__lte=models.F("total"))
                | models.Q(registered__isnull=True)
                | models.Q(total__isnull=True),
                name="tally_registered_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(recognised__lte=models.F("registered"))
                | models.Q(recognised__isnull=True)
                | models.Q(registered__isnull=True),
                name="tally_recognised_within_registered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id}:{self.village}:{self.model}:{self.year}"
