"""Pages of core: account pages (login refusals, password reset, CSRF failure)."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


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
