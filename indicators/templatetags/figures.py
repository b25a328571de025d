"""Template filters for evaluated figures: the coverage that goes with a status."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from indicators.queries import coverage_text

register = template.Library()


@register.filter
def coverage_note(row) -> SafeString | str:
    """ " — 2/12 đơn vị báo cáo" after a status whose figure lacks some expected unit's
    report (nothing when every expected unit has reported)."""
    if row is None or not getattr(row, "partial", False):
        return ""
    coverage = row.coverage
    return format_html(
        '<span class="coverage partial" data-reported="{}" data-expected="{}"> — {}</span>',
        coverage.reported,
        coverage.expected,
        coverage_text(coverage),
    )
