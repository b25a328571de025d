"""`manage.py load_pcgd_rules [file]`: check a PCGD-XMC rule set file and make it the active one."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from universalization import publishing
from universalization import rules as rule_sets
from universalization.models import RuleSet
from universalization.queries import current_rules


class Command(BaseCommand):
    help = _("Check a PCGD-XMC rule set file and store it as the active rule set.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", default=str(rule_sets.DEFAULT_RULES_PATH))

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            path = options["path"]
            try:
                checked = rule_sets.load(path)
            except (OSError, yaml.YAMLError, rule_sets.RuleSetError) as error:
                raise CommandError(str(error)) from error
            content = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
            with transaction.atomic():
                RuleSet.objects.filter(code=checked.code).update(active=False)
                RuleSet.objects.update_or_create(
                    code=checked.code,
                    version=checked.version,
                    defaults={"title": checked.title, "content": content,
                              "sha256": checked.sha256, "active": True},
                )  # fmt: skip
                # In the same transaction: no figure outlives the rules that computed it.
                created, updated = publishing.rules_changed(current_rules())
            message = _("Rule set %(code)s version %(version)s is active.")
            self.stdout.write(self.style.SUCCESS(message % vars(checked)))
            republished = _("Plan figures republished: %(created)s new, %(updated)s changed.")
            self.stdout.write(republished % {"created": created, "updated": updated})
