"""Pages of core: the home page sends each user to their own unit's dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.access import home_unit


@login_required
def home(request: HttpRequest) -> HttpResponse:
    unit = home_unit(request.user)
    if unit is None:
        return render(request, "core/no_unit.html")
    return redirect("dashboard", code=unit.code)
