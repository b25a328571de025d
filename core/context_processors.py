"""Values every page needs: the instance's name, whether it holds demo figures, reset by mail."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from core.views import password_reset_offered
from indicators.models import DataValue


def instance(request: HttpRequest) -> dict:
    has_demo = False
    # A request refused before authentication (a 400 for a foreign Host header) has no user.
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        has_demo = DataValue.objects.filter(source=DataValue.Source.DEMO).exists()
    return {
        "instance_name": settings.XHHT_INSTANCE_NAME,
        "has_demo_data": has_demo,
        "password_reset_offered": password_reset_offered(),
    }
