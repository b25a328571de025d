"""Values every page needs: the instance's name and whether it holds demo figures."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from indicators.models import DataValue


def instance(request: HttpRequest) -> dict:
    has_demo = False
    if request.user.is_authenticated:
        has_demo = DataValue.objects.filter(source=DataValue.Source.DEMO).exists()
    return {"instance_name": settings.XHHT_INSTANCE_NAME, "has_demo_data": has_demo}
