"""Pages of core: the home page sends each user to their own unit's dashboard, or on login
to a page an app registered in core.landing (a reporter's reports due)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core import landing
from core.access import home_unit


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not request.session.get("xhht_first_page_shown"):
        # Once per session (i.e. on login): a page that needs the user now, such as the
        # list of reports a reporter owes; later visits go to the dashboard.
        request.session["xhht_first_page_shown"] = True
        address = landing.first_page(request.user)
        if address:
            return redirect(address)
    unit = home_unit(request.user)
    if unit is None:
        return render(request, "core/no_unit.html")
    return redirect("dashboard", code=unit.code)
