"""`manage.py load_indicators <file>`: validate and load the indicator catalog."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from core.datafile import DataFileError
from indicators.catalog import load_catalog


class Command(BaseCommand):
    help = _("Load the disaggregations, data elements and indicators from a YAML file.")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path",
            help=_("Catalog file, e.g. data/indicators/learning-society.yaml"),
        )

    def handle(self, *args, **options) -> None:
        # Output in the site's language, whatever a caller left active.
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(options["path"])

    def _handle(self, path: str) -> None:
        try:
            result = load_catalog(path)
        except DataFileError as exc:
            for line in exc.lines():
                self.stderr.write(line)
            message = _("%(path)s: %(n)d error(s); nothing was written to the database.")
            raise CommandError(message % {"path": path, "n": len(exc.errors)}) from exc
        message = _(
            "Catalog version %(version)s loaded: %(disaggregations)s disaggregations, "
            "%(data_elements)s data elements, %(indicators)s indicators; "
            "%(written)s rows created or changed."
        )
        context = {**result.counts, "version": result.version, "written": result.written}
        self.stdout.write(self.style.SUCCESS(message % context))
