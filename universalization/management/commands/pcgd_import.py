"""`manage.py pcgd_import --communes C.csv --persons P.csv [--year Y]`: load the register."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from units.models import OrgUnit
from universalization.publishing import publish_register
from universalization.queries import current_rules
from universalization.services import RegisterRefused, import_register


class Command(BaseCommand):
    help = _(
        "Load communes and persons from the PCGD-XMC exchange files into the register, "
        "all or nothing, then publish the plan figures of the year."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--communes", required=True, help=_("Communes CSV file"))
        parser.add_argument("--persons", required=True, help=_("Persons CSV file"))
        parser.add_argument(
            "--year",
            type=int,
            default=datetime.date.today().year,
            help=_("Reference year of the survey (default: this year)"),
        )
        parser.add_argument(
            "--no-publish",
            action="store_true",
            help=_("Do not publish the plan figures after the import"),
        )

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(options)

    def _handle(self, options) -> None:
        year = options["year"]
        try:
            result = import_register(options["communes"], options["persons"], year=year)
        except RegisterRefused as error:
            self.stderr.write(str(error))
            raise CommandError(
                _("%(n)s error(s); nothing was written to the database.")
                % {"n": len(error.errors) + error.more}
            ) from error
        message = _(
            "%(communes)s communes: %(created)s persons created, %(changed)s changed, "
            "%(unchanged)s unchanged; %(households)s households created."
        )
        self.stdout.write(self.style.SUCCESS(message % vars(result)))
        if not options["no_publish"]:
            communes = list(OrgUnit.objects.filter(pk__in=result.commune_ids))
            created, updated = publish_register(communes, year, current_rules())
            message = _(
                "Plan figures for %(year)s: %(created)s values created, %(updated)s changed."
            )
            self.stdout.write(message % {"year": year, "created": created, "updated": updated})
