"""`manage.py load_map`: load the administrative map of Việt Nam before and after 1 July 2025
from the published packages (units/mapsource.py), all or nothing."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from units.mapdata import MapDataError, build
from units.mapload import MapLoadError, load_map
from units.mapsource import read_sources
from units.models import UnitCodeAlias


class Command(BaseCommand):
    help = _(
        "Load every province, district and commune of Việt Nam before 1 July 2025 and every "
        "province and commune-level unit after it, with their successions."
    )

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self._load()

    def _load(self) -> None:
        started = time.perf_counter()
        try:
            rows = build(read_sources())
            counts = load_map(rows)
        except (MapDataError, MapLoadError) as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            raise CommandError(_("The map was not loaded; nothing was written.")) from exc
        msg = _(
            "Map loaded in %(seconds).1f s: %(units)d units and %(successions)d successions "
            "in the data, %(written)d rows written."
        )
        self.stdout.write(
            msg
            % {
                "seconds": time.perf_counter() - started,
                "units": len(rows.units),
                "successions": len(rows.successions),
                "written": counts["units"] + counts["successions"],
            }
        )
        if rows.code_differences:
            msg = _(
                "%(n)d commune-level units have another code in vietnamadminunits' copy of "
                "the list; the codes of vietnam-provinces were used (docs/map-data.md)."
            )
            self.stdout.write(msg % {"n": len(rows.code_differences)})
        shadowed = UnitCodeAlias.objects.filter(code__in=[u.code for u in rows.units])
        for alias in shadowed.select_related("unit"):
            msg = _("Alias %(code)s of %(unit)s is now an official code of another unit.")
            self.stdout.write(msg % {"code": alias.code, "unit": alias.unit.name})
