"""`manage.py pcgd_standards --communes C --persons P --year Y`: standards as JSON, no database."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from universalization import rules as rule_sets
from universalization.exchange import ExchangeError
from universalization.exchange_eval import evaluate_files
from universalization.standards import as_json


class Command(BaseCommand):
    help = _(
        "Compute the PCGD-XMC standards of every commune and district from exchange files "
        "and print them as JSON; the database is not used."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--communes", required=True, help=_("Communes CSV file"))
        parser.add_argument("--persons", required=True, help=_("Persons CSV file"))
        parser.add_argument("--year", required=True, type=int, help=_("Evaluation year"))
        parser.add_argument(
            "--rules", default=str(rule_sets.DEFAULT_RULES_PATH), help=_("Rule set YAML file")
        )
        parser.add_argument("--indent", type=int, default=None, help=_("Indent the JSON"))

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            try:
                rules = rule_sets.load(options["rules"])
                evaluation = evaluate_files(
                    options["communes"], options["persons"], options["year"], rules
                )
            except rule_sets.RuleSetError as error:
                raise CommandError(str(error)) from error
            except ExchangeError as error:
                self.stderr.write(str(error))
                raise CommandError(
                    _("%(n)s error(s) in the files; nothing was computed.")
                    % {"n": len(error.errors) + error.more}
                ) from error
        self.stdout.write(json.dumps(as_json(evaluation), indent=options["indent"]))
