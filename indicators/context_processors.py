"""Whether the instance holds demo figures, for the banner every page shows when it does."""

from __future__ import annotations

from django.http import HttpRequest

from indicators.demo import holds_demo_figures


def demo_data(request: HttpRequest) -> dict:
    has_demo = False
    # A request refused before authentication (a 400 for a foreign Host header) has no user.
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        has_demo = holds_demo_figures()
    return {"has_demo_data": has_demo}
