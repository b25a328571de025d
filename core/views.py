"""Pages of core: the home page sends each user to their own unit's dashboard (on login, a
reporter with a report due goes to the list of reports first)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.access import home_unit


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if _first_visit_with_reports_due(request):
        return redirect("collection:index")
    unit = home_unit(request.user)
    if unit is None:
        return render(request, "core/no_unit.html")
    return redirect("dashboard", code=unit.code)


# --- data collection: a reporter with a report to enter lands on the list of what is due --


def _first_visit_with_reports_due(request: HttpRequest) -> bool:
    """Once per session (i.e. on login): whether a form waits for the user's figures (a draft
    or a returned one); later visits go to the dashboard as before."""
    if request.session.get("xhht_reports_due_shown"):
        return False
    request.session["xhht_reports_due_shown"] = True
    from collection.views import submissions_due  # the collection app's own read

    return submissions_due(request.user).filter(status__in=["draft", "returned"]).exists()
