"""The administrative tree over time, the bodies attached to it, and who belongs where."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet


class UnitLevel(models.Model):
    """A level of the administrative tree; its name is data ("Cấp xã"), its code a stable key."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("0 for the country, then down"))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("unit level")
        verbose_name_plural = _("unit levels")

    def __str__(self) -> str:
        return self.name


class OrgUnitQuerySet(MP_NodeQuerySet):
    def in_bulk(self, id_list=None, *, field_name="pk"):
        """By code: each code's holder today, then its aliases (units/codes.py), among the
        units of this queryset. A code is unique only within its period, so Django's own
        in_bulk refuses it; a caller that knows the day should use codes.resolve_many."""
        if field_name != "code" or id_list is None:
            return super().in_bulk(id_list, field_name=field_name)
        from units.codes import resolve_many  # codes.py imports this module

        return resolve_many(id_list, among=self)


class OrgUnitManager(MP_NodeManager):
    def get_queryset(self):
        return OrgUnitQuerySet(self.model, using=self._db).order_by("path")


class OrgUnit(MP_Node):
    """An administrative unit or a body (department, association, centre) attached to one.

    The materialised path (treebeard) makes a subtree one indexed prefix query.
    A unit keeps the parent it had while it existed; a successor is a new unit
    linked through UnitSuccession, so values stay where they were collected.
    """

    class Kind(models.TextChoices):
        ADMINISTRATIVE = "administrative", _("administrative unit")
        DEPARTMENT = "department", _("department")
        ASSOCIATION = "association", _("association")
        CENTRE = "centre", _("education or training centre")
        MEDIA = "media", _("radio or media")
        OTHER = "other", _("other body")

    # Unique only within its period: đặc khu Cát Hải holds 11914 from 01/07/2025, the code
    # of thị trấn Cát Bà until 30/06/2025. units/codes.py resolves a code for a day.
    code = models.CharField(_("code"), max_length=40, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    level = models.ForeignKey(
        UnitLevel,
        verbose_name=_("level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Administrative units only"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.ADMINISTRATIVE)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(
        _("valid to"), null=True, blank=True, help_text=_("Last day the unit existed")
    )
    official_code_source = models.CharField(_("source of the code"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = OrgUnitManager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="orgunit_valid_range",
            ),
            # Overlapping periods of one code are refused by the loaders and services
            # (units/codes.py: check_free); the database holds what one constraint can.
            models.UniqueConstraint(fields=["code", "valid_from"], name="orgunit_code_period"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def ref(self) -> str:
        """The unit's code in links: with its first (or last) day when its period is bounded,
        since a code is unique only within its period (units/codes.py reads CODE@YYYY-MM-DD).
        Thị trấn Cát Bà is 11914@2025-06-30, đặc khu Cát Hải 11914@2025-07-01."""
        day = self.valid_from or self.valid_to
        return f"{self.code}@{day.isoformat()}" if day else self.code

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class UnitSuccession(models.Model):
    """A change of the map: `predecessor` became (part of) `successor` on `effective_on`."""

    class Kind(models.TextChoices):
        MERGED = "merged", _("merged into")
        SPLIT = "split", _("split into")
        RENAMED = "renamed", _("renamed or re-graded to")

    predecessor = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="successions_out"
    )
    successor = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="successions_in")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    effective_on = models.DateField(_("effective on"))
    legal_act = models.CharField(_("legal act"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unitsuccession_unique_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class UnitCodeAlias(models.Model):
    """Another code that reaches a unit: a code used before the official one was known (the
    demo's 12337 for thị trấn Cát Bà), or a local code. An alias never hides a unit's own
    code: units/codes.py tries the official codes first."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="aliases"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit code alias")
        verbose_name_plural = _("unit code aliases")

    def __str__(self) -> str:
        return f"{self.code} → {self.unit.code}"


class UnitGroup(models.Model):
    """Bodies a plan names together: "four associations", "all communes", "other departments"."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    owner = models.ForeignKey(
        OrgUnit, verbose_name=_("owner unit"), on_delete=models.CASCADE, related_name="groups"
    )
    members = models.ManyToManyField(
        OrgUnit, verbose_name=_("members"), blank=True, related_name="member_of"
    )
    open_membership = models.BooleanField(
        _("open membership"),
        default=False,
        help_text=_("The group also covers bodies the text does not name one by one"),
    )
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit group")
        verbose_name_plural = _("unit groups")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role, valid over the subtree of one unit."""

    class Role(models.TextChoices):
        DISTRICT_ADMIN = "district_admin", _("district administrator")
        UNIT_REPORTER = "unit_reporter", _("unit reporter")
        COMMUNE_REPORTER = "commune_reporter", _("commune reporter")
        VIEWER = "viewer", _("viewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"
