"""`manage.py yearly_report --plan CODE --unit CODE --year YYYY --output FILE.docx`: the yearly
report from the current approved data (and `--pdf FILE.pdf`), written without issuing it."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from core.text import fold, nfc
from plans.models import Plan
from units.codes import resolve, year_end
from units.maps import Map

from ...docx import render
from ...pdf import PdfUnavailable, to_pdf
from ...yearly import NotReporting, compose


class Command(BaseCommand):
    help = _("Write the yearly report of a plan for a unit as .docx (and PDF), without issuing it.")

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--plan", required=True, help=_("The plan's code, or its number (08/KH-BCĐ)")
        )
        parser.add_argument(
            "--unit", required=True, help=_("The unit's code (CODE@YYYY-MM-DD for a given day)")
        )
        parser.add_argument("--year", required=True, type=int, help=_("The year reported on"))
        parser.add_argument("--output", required=True, help=_("The .docx file to write"))
        parser.add_argument("--pdf", default="", help=_("Also write this PDF (needs LibreOffice)"))
        parser.add_argument(
            "--map",
            default=Map.AS_WAS.value,
            choices=[m.value for m in Map],
            help=_("Roll figures up by the map of the year (as_was) or by today's (as_is)"),
        )

    def handle(self, *args, **options) -> None:
        # Messages in the site's language, whatever a caller left active.
        with translation.override(settings.LANGUAGE_CODE):
            self._handle(options)

    def _handle(self, options) -> None:
        year = options["year"]
        plan = _plan(options["plan"])
        if plan is None:
            known = ", ".join(
                Plan.objects.order_by("start_year", "code").values_list("code", flat=True)
            )
            raise CommandError(
                _("No plan has the code or number %(code)s. Plans: %(known)s.")
                % {"code": options["plan"], "known": known}
            )
        # A code is read on the last day of the year reported on, as the pages read it.
        unit = resolve(options["unit"], year_end(year))
        if unit is None:
            raise CommandError(
                _("No unit has the code %(code)s at the end of %(year)s.")
                % {"code": options["unit"], "year": year}
            )
        try:
            composed = compose(plan, unit, year, map=Map(options["map"]))
        except NotReporting as exc:
            raise CommandError(str(exc)) from exc
        data = render(composed.document)
        Path(options["output"]).write_bytes(data)
        self.stdout.write(_("Written: %(path)s") % {"path": options["output"]})
        if options["pdf"]:
            try:
                Path(options["pdf"]).write_bytes(to_pdf(data))
            except PdfUnavailable as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(_("Written: %(path)s") % {"path": options["pdf"]})


def _plan(asked: str) -> Plan | None:
    """The plan of a code ("08-KH-BCD-2020-cat-hai") or, when only one plan bears it, of its
    number as printed ("08/KH-BCĐ"), whatever the case and Unicode form typed."""
    found = Plan.objects.filter(code=asked).first()
    if found is not None:
        return found
    wanted = fold(nfc(asked))
    matches = [p for p in Plan.objects.all() if fold(p.number) == wanted]
    return matches[0] if len(matches) == 1 else None
