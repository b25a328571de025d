"""Template filters: Vietnamese numbers and dates, role badges, sparklines.

Numbers follow the active language's formats (core.formats): 1.234 and 99,5 in Vietnamese.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()

DASH = "—"


def decimal_or_none(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        return None


@register.filter
def vn_number(value, decimals=None, *, trim: bool = True) -> str:
    """1234 → "1.234", 99.5 with 1 decimal → "99,5"; trailing zeros of whole numbers dropped
    unless `trim` is false (an index of 1 reads "1,000", its precision shown)."""
    number = decimal_or_none(value)
    if number is None:
        return DASH
    if decimals in (None, ""):
        decimals = 0 if number == number.to_integral_value() else None
    else:
        decimals = int(decimals)
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        if trim and decimals > 0 and number == number.to_integral_value():
            # 100,0 reads as 100 in a report; keep the decimals only where they say something.
            number, decimals = number.to_integral_value(), 0
    else:
        number = number.normalize()
    return formats.number_format(number, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def with_label(text: str, label: str) -> str:
    if not label:
        return text
    if label == "%":
        return f"{text}%"
    return f"{text} {label}"


@register.filter
def role_badge(role: str) -> SafeString:
    """Chủ trì / phối hợp as a badge."""
    labels = {"lead": _("lead"), "partner": _("partner")}
    return format_html('<span class="badge role-{}">{}</span>', role, labels.get(role, role))


@register.filter
def vn_date(value) -> str:
    """03/01/2020, whatever the language: offices write dates this way."""
    if not value:
        return DASH
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


@register.filter
def vn_datetime(value) -> str:
    """03/01/2020 14:05 in the local time zone."""
    if not value:
        return DASH
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y %H:%M")


@register.filter
def sparkline(trend, width: int = 96) -> SafeString:
    """An inline SVG line over (year, value) pairs; years without a value leave a gap."""
    points = [(year, decimal_or_none(v)) for year, v in (trend or ())]
    known = [v for _y, v in points if v is not None]
    if len(known) < 2:
        return format_html('<span class="spark-empty">{}</span>', DASH)
    width, height, pad = int(width), 24, 3
    low, high = min(known), max(known)
    span = (high - low) or Decimal(1)
    step = (width - 2 * pad) / (len(points) - 1)
    segments, current, dots = [], [], []
    for i, (_year, v) in enumerate(points):
        if v is None:
            if current:
                segments.append(current)
            current = []
            continue
        x = pad + i * step
        share = float((v - low) / span) if high != low else 0.5
        y = height - pad - share * (height - 2 * pad)
        current.append(f"{x:.1f},{y:.1f}")
        dots.append((x, y))
    if current:
        segments.append(current)
    title = "; ".join(f"{year}: {vn_number(v, 1)}" for year, v in points)
    lines = "".join(
        f'<polyline points="{" ".join(seg)}" fill="none" stroke="currentColor" stroke-width="1.5"/>'
        for seg in segments
    )
    last_x, last_y = dots[-1]
    return format_html(
        '<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}"><title>{}</title>{}<circle cx="{}" cy="{}" r="2.2" '
        'fill="currentColor"/></svg>',
        width,
        height,
        width,
        height,
        title,
        title,
        SafeString(lines),
        f"{last_x:.1f}",
        f"{last_y:.1f}",
    )


@register.filter
def option_name(code: str, names: dict) -> str:
    """A disaggregation option's name ("Nữ" for F) from a {code: name} map; "—" if none."""
    if not code:
        return "—"
    return names.get(code, code)
