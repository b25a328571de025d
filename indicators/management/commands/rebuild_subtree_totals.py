"""Recompute every SubtreeTotal from the values (after a bulk load that bypassed the services)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from indicators import subtree_totals


class Command(BaseCommand):
    help = _("Recompute the sums over each unit's subtree from the data values.")

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            written = subtree_totals.recompute()
            self.stdout.write(_("%(count)d subtree totals written.") % {"count": written})
