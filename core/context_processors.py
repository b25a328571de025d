"""Values every page needs: the instance's name and whether reset by mail is offered."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from core.views import password_reset_offered


def instance(request: HttpRequest) -> dict:
    return {
        "instance_name": settings.XHHT_INSTANCE_NAME,
        "password_reset_offered": password_reset_offered(),
    }
