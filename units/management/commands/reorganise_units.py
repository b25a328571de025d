"""`manage.py reorganise_units merge|split|rename|close`: change the map through the
reorganisation services (units/services.py), as the admin does."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from units import services
from units.codes import resolve
from units.models import OrgUnit

DAY = datetime.timedelta(days=1)


class Command(BaseCommand):
    help = _("Merge, split, rename or close administrative units from a date, citing the act.")

    def add_arguments(self, parser) -> None:
        ops = parser.add_subparsers(dest="operation", required=True)
        for name in ("merge", "split", "rename", "close"):
            op = ops.add_parser(name)
            op.add_argument("--on", required=True, help=_("First day of the new map, YYYY-MM-DD"))
            op.add_argument("--act", required=True, help=_("The legal act that makes the change"))
            if name == "merge":
                op.add_argument("--units", nargs="+", required=True, help=_("Codes of the units"))
            else:
                op.add_argument("--unit", required=True, help=_("Code of the unit"))
            if name in ("merge", "rename"):
                op.add_argument("--code", required=True, help=_("Code of the new unit"))
                op.add_argument("--name", required=True, help=_("Name of the new unit"))
                op.add_argument("--short-name", default="")
                op.add_argument("--parent", help=_("Code of the new unit's parent"))
            if name == "split":
                op.add_argument(
                    "--into", nargs="+", required=True, help=_("New units as CODE=NAME")
                )

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                self._run(options)
            except services.ReorganisationError as exc:
                raise CommandError(str(exc)) from exc

    def _run(self, options: dict) -> None:
        try:
            on = datetime.date.fromisoformat(options["on"])
        except ValueError as exc:
            raise CommandError(_("--on must be a date YYYY-MM-DD.")) from exc
        eve, act, op = on - DAY, options["act"], options["operation"]
        if op == "merge":
            units = [self._unit(code, eve) for code in options["units"]]
            new = services.merge(units, self._new(options, on), on=on, legal_act=act)
            done = [new]
        elif op == "split":
            done = services.split(
                self._unit(options["unit"], eve), self._parts(options["into"]), on=on, legal_act=act
            )
        elif op == "rename":
            unit = self._unit(options["unit"], eve)
            done = [services.rename(unit, self._new(options, on), on=on, legal_act=act)]
        else:
            done = [services.close(self._unit(options["unit"], eve), on=on, legal_act=act)]
        for unit in done:
            msg = _("%(code)s %(name)s: valid %(start)s to %(end)s.")
            start, end = unit.valid_from or "…", unit.valid_to or "…"
            self.stdout.write(
                msg % {"code": unit.code, "name": unit.name, "start": start, "end": end}
            )

    def _unit(self, code: str, day: datetime.date) -> OrgUnit:
        unit = resolve(code, day)
        if unit is None:
            raise CommandError(_("Unknown unit %(code)s") % {"code": code})
        return unit

    def _new(self, options: dict, on: datetime.date) -> services.NewUnit:
        parent = self._unit(options["parent"], on) if options.get("parent") else None
        return services.NewUnit(
            options["code"], options["name"], options.get("short_name", ""), parent=parent
        )

    def _parts(self, specs: list[str]) -> list[services.NewUnit]:
        parts = []
        for spec in specs:
            code, sep, name = spec.partition("=")
            if not sep:
                raise CommandError(_("Write each new unit as CODE=NAME: %(spec)s") % {"spec": spec})
            parts.append(services.NewUnit(code, name))
        return parts
