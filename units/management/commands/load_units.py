"""`manage.py load_units FILE`: load levels, units, successions and groups from a YAML file."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from units.loader import DataFileError, load_units


class Command(BaseCommand):
    help = _(
        "Load administrative levels, units, successions, code aliases and groups from a YAML file."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help=_("Units file, e.g. data/units/hai-phong-cat-hai.yaml"))

    def handle(self, *args, path: str, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._load(path)

    def _load(self, path: str) -> None:
        labels = {
            "levels": _("levels"),
            "units": _("units"),
            "successions": _("successions"),
            "aliases": _("code aliases"),
            "groups": _("groups"),
        }
        try:
            counts = load_units(path)
        except DataFileError as exc:
            for line in exc.lines():
                self.stderr.write(line)
            msg = _("%(path)s: %(n)d error(s); nothing was written to the database.")
            raise CommandError(msg % {"path": path, "n": len(exc.errors)}) from exc
        summary = ", ".join(f"{labels[key]}: {n}" for key, n in sorted(counts.items()))
        msg = _("Units loaded from %(path)s; rows written: %(summary)s.")
        self.stdout.write(msg % {"path": path, "summary": summary or "0"})
