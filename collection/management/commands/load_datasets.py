"""`manage.py load_datasets <file> [--check]`: check data sets and their rules, then load them."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from collection.loader import load_datasets_file, read_datasets
from core.datafile import DataFileError


class Command(BaseCommand):
    help = _("Check a YAML file of data sets and validation rules and load it, all or nothing.")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path", help=_("Data set file, e.g. data/collection/learning-society.yaml")
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("Only check the file; write nothing to the database."),
        )

    def handle(self, *args, **options) -> None:
        # Output in the site's language, whatever a caller left active.
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(options["path"], options["check"])

    def _handle(self, path: str, check: bool) -> None:
        try:
            if check:
                read_datasets(path)
                self.stdout.write(self.style.SUCCESS(_("%(path)s: valid.") % {"path": path}))
                return
            result = load_datasets_file(path)
        except DataFileError as exc:
            for line in exc.lines():
                self.stderr.write(line)
            message = _("%(path)s: %(n)d error(s); nothing was written to the database.")
            raise CommandError(message % {"path": path, "n": len(exc.errors)}) from exc
        message = _(
            "Data sets loaded: %(data_sets)s data sets, %(elements)s data elements in their "
            "forms, %(rules)s validation rules; %(written)s rows created, changed or deleted."
        )
        context = {**result.counts, "written": result.written}
        self.stdout.write(self.style.SUCCESS(message % context))
