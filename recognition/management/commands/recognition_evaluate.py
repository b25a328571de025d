"""`manage.py recognition_evaluate --criteria CODE --input FILE.json`: the engine's reading of
units in the exchange format, printed as JSON; reads the set's YAML file, never the database."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from recognition import criteria, engine


class BadInput(Exception):
    """Input the exchange format does not allow; the message says what, for stderr."""


class Command(BaseCommand):
    help = _(
        "Evaluate units against a recognition criteria set (read from data/rules/recognition/) "
        "and print the result as JSON, without touching the database."
    )
    requires_system_checks: list = []  # the checks query nothing, but need nothing either

    def add_arguments(self, parser) -> None:
        parser.add_argument("--criteria", required=True, help=_("Criteria set code"))
        parser.add_argument("--input", required=True, help=_("Input JSON file, or - for stdin"))
        parser.add_argument(
            "--rules-dir",
            default=str(criteria.RULES_DIR),
            help=_("Folder of the criteria set files"),
        )

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                output = run(options["criteria"], options["input"], options["rules_dir"])
            except BadInput as error:
                self.stderr.write(str(error))
                sys.exit(2)
        self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))


def run(code: str, source: str, rules_dir: str) -> dict:
    try:
        definition = criteria.read_code(code, rules_dir)
    except KeyError:
        raise BadInput(_("unknown criteria set '%(code)s'") % {"code": code}) from None
    except criteria.CriteriaError as error:
        raise BadInput(str(error)) from None
    units = read_units(source, code)
    return {
        "criteria": code,
        "units": {str(unit["code"]): engine.evaluate(definition, unit) for unit in units},
    }


def read_units(source: str, code: str) -> list[Mapping]:
    """The input's units, checked for the format's shape (values are the engine's business:
    a value of the wrong shape is no data, not an error)."""
    try:
        if source == "-":
            data = json.load(sys.stdin)
        else:
            with open(source, encoding="utf-8") as stream:
                data = json.load(stream)
    except OSError as error:
        raise BadInput(_("cannot read the input: %(error)s") % {"error": error}) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BadInput(_("the input is not JSON: %(error)s") % {"error": error}) from None
    if not isinstance(data, dict) or not isinstance(data.get("units"), list):
        raise BadInput(_('the input must be an object {"criteria": CODE, "units": [...]}'))
    if data.get("criteria") not in (None, code):
        message = _("the input is for criteria set '%(input)s', not '%(code)s'")
        raise BadInput(message % {"input": data["criteria"], "code": code})
    seen: set[str] = set()
    for index, unit in enumerate(data["units"]):
        where = {"index": index}
        if not isinstance(unit, dict):
            raise BadInput(_("unit %(index)s is not an object") % where)
        unit_code = unit.get("code")
        if isinstance(unit_code, bool) or not isinstance(unit_code, str | int) or unit_code == "":
            raise BadInput(_("unit %(index)s has no code") % where)
        if str(unit_code) in seen:
            raise BadInput(_("unit code '%(code)s' is repeated") % {"code": unit_code})
        seen.add(str(unit_code))
        if not isinstance(unit.get("indicators", {}), dict):
            raise BadInput(_("unit '%(code)s': indicators must be an object") % {"code": unit_code})
    return data["units"]
