"""Pages of core: home (a user's own dashboard or a registered landing page); account pages."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
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


def password_reset_offered() -> bool:
    """Password reset sends a mail: it is offered only when the instance can send mail."""
    return bool(settings.EMAIL_HOST)


def _only_with_mail(view):
    """Without mail the reset pages would 'succeed' and send nothing: they do not exist then."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not password_reset_offered():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


password_reset = _only_with_mail(auth_views.PasswordResetView.as_view())
password_reset_done = _only_with_mail(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = _only_with_mail(auth_views.PasswordResetConfirmView.as_view())
password_reset_complete = _only_with_mail(auth_views.PasswordResetCompleteView.as_view())


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked login: how many failures, and for how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (CSRF) in Vietnamese: most often a page left open past a new login."""
    return render(request, "registration/csrf_failure.html", status=403)
