"""Middleware of XHHT: the page language, idle sessions, private pages; the client's address."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.deprecation import MiddlewareMixin


class ChosenLanguageMiddleware(MiddlewareMixin):
    """Vietnamese first: the language is the user's explicit choice, else Vietnamese.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC
    with an English browser would get English pages and 99.5 instead of 99,5. Here only the
    language the user picked (the cookie set by Django's set_language view) overrides the
    default.
    """

    def process_request(self, request) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        available = {code for code, _ in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


# A session's expiry is renewed at most this often, so a page view is not a database write.
RENEW_EVERY = datetime.timedelta(minutes=1)
RENEWED = "xhht_renewed"


def stamp_login(sender, request, user, **kwargs) -> None:
    """On login (user_logged_in, connected in core.apps): the idle clock starts with the session.

    Login saves the session anyway, so its first page then needs no second write.
    """
    session = getattr(request, "session", None)
    if session is not None:
        session[RENEWED] = timezone.now().isoformat()


class IdleSessionMiddleware(MiddlewareMixin):
    """A signed-in session lives SESSION_COOKIE_AGE seconds after the user's last request.

    Django's SESSION_SAVE_EVERY_REQUEST would write the session on every request (on SQLite
    each one would then take the write lock); renewing once a minute keeps the idle timeout
    within a minute of the setting.
    """

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated:
            return response
        if session.session_key is None:
            # Signed in without a session (an API token): nothing to renew, nothing to create.
            return response
        now = timezone.now()
        renewed = session.get(RENEWED)
        if renewed is None or now - datetime.datetime.fromisoformat(renewed) >= RENEW_EVERY:
            session[RENEWED] = now.isoformat()
        return response


class PrivatePagesMiddleware(MiddlewareMixin):
    """Nothing shown to a signed-in user is kept by a browser or proxy cache.

    Pages, exports and API answers of a signed-in user carry names, figures and register
    entries; `private, no-store` keeps them off shared office computers' disks and out of
    proxies. Static files never reach this middleware (WhiteNoise answers them first).
    """

    def process_response(self, request, response):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


def client_address(request) -> str | None:
    """The client's address for django-axes: behind PROXY_COUNT proxies, from X-Forwarded-For.

    Each trusted proxy appends the address it received the request from, so the client is
    the PROXY_COUNT-th entry from the right; entries further left are whatever the client
    sent and cannot be trusted.
    """
    count = settings.PROXY_COUNT
    if count > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
