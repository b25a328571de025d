"""Template filters for evaluated figures: a figure in its unit, its status badge, its coverage."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.templatetags.xhht import DASH, decimal_or_none, vn_number, with_label
from indicators.models import Indicator
from monitoring.communes import COMMUNE_LEVEL
from monitoring.queries import STATUS_LABELS, coverage_text, share_level
from plans.targets import subject_label

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


@register.filter
def measure(value, indicator) -> str:
    """A value in the indicator's unit label and decimals: "99,5%", "2", "12 người"."""
    if decimal_or_none(value) is None:
        return DASH
    # A parity index keeps its decimals: "1,000" is a measured parity, "1" reads as a count.
    trim = indicator.kind != Indicator.Kind.PARITY
    return with_label(vn_number(value, indicator.decimals, trim=trim), indicator.unit_label)


@register.filter
def figure(evaluated) -> str:
    """The figure of an evaluated target; for every-commune targets "11/12 communes (91,7%)"."""
    target = evaluated.target
    if evaluated.value is None:
        return DASH
    level = share_level(target)
    if level is not None and evaluated.den is not None:
        numbers = {
            "met": vn_number(evaluated.num),
            "counted": vn_number(evaluated.den),
            "share": vn_number(evaluated.value, 1),
        }
        if level == COMMUNE_LEVEL:
            return _("%(met)s/%(counted)s communes (%(share)s%%)") % numbers
        numbers["subject"] = subject_label(level)
        return _("%(met)s/%(counted)s %(subject)s (%(share)s%%)") % numbers
    return measure(evaluated.value, target.indicator)


@register.filter
def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


@register.filter
def status_badge(status: str) -> SafeString:
    """A coloured badge that also says the status in words (colour is never the only cue)."""
    symbols = {"met": "✓", "not_met": "✗", "on_track": "↗", "at_risk": "!", "no_data": "?"}
    return format_html(
        '<span class="badge status-{}" data-status="{}">'
        '<span aria-hidden="true">{}</span> {}</span>',
        status,
        status,
        symbols.get(status, ""),
        status_label(status),
    )
