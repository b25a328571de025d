"""Template tag for the unit a user lands on, shown in the top bar."""

from __future__ import annotations

from django import template

from units.access import home_unit

register = template.Library()


@register.simple_tag
def home_unit_of(user):
    """The unit shown in the top bar: where the user lands (units.access.home_unit)."""
    return home_unit(user)
