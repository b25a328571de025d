"""`manage.py load_plan <file>`: validate a plan's YAML file and load it, all or nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.datafile import DataFileError
from plans.loader import load_plan_file, read_plan

COUNT_LABELS = {
    "references": gettext_lazy("related documents"),
    "statements": gettext_lazy("text passages"),
    "objective_groups": gettext_lazy("objective groups"),
    "targets": gettext_lazy("targets"),
    "task_groups": gettext_lazy("task groups"),
    "tasks": gettext_lazy("tasks"),
    "budget_sources": gettext_lazy("budget sources"),
    "clauses": gettext_lazy("responsibility clauses"),
    "duties": gettext_lazy("assigned duties"),
}


class Command(BaseCommand):
    help = _(
        "Check a plan's YAML file and load it (replacing the plan with the same code, if any)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path", help=_("Plan file, e.g. data/plans/08-KH-BCD-2020-cat-hai.yaml")
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
                read_plan(path)
                self.stdout.write(self.style.SUCCESS(_("%(path)s: valid.") % {"path": path}))
                return
            result = load_plan_file(path)
        except DataFileError as exc:
            for line in exc.lines():
                self.stderr.write(line)
            message = _("%(path)s: %(n)d error(s); nothing was written to the database.")
            raise CommandError(message % {"path": path, "n": len(exc.errors)}) from exc
        counts = ", ".join(f"{n} {COUNT_LABELS[k]}" for k, n in result.counts.items())
        message = _(
            "Plan %(number)s (%(code)s) loaded: %(counts)s; "
            "%(written)s rows created, changed or deleted."
        )
        context = {
            "number": result.plan.number,
            "code": result.plan.code,
            "counts": counts,
            "written": result.written,
        }
        self.stdout.write(self.style.SUCCESS(message % context))
