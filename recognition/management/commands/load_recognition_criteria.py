"""`manage.py load_recognition_criteria [file …]`: check criteria set files and load them."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from recognition import loader


class Command(BaseCommand):
    help = _(
        "Check recognition criteria set files (default: every file in data/rules/recognition/) "
        "and load them into the database, all or nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="*", help=_("Criteria set files (YAML)"))

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                result = loader.load(options["paths"] or None)
            except loader.LoadError as error:
                for line in error.lines:
                    self.stderr.write(line)
                message = _("%(n)d error(s); nothing was written to the database.")
                raise CommandError(message % {"n": len(error.lines)}) from error
            message = _(
                "Criteria sets: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."
            )
            self.stdout.write(self.style.SUCCESS(message % vars(result)))
