"""Suite-wide test settings: a fast password hasher (the real one makes each user take 0.3 s)."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a request in English leaves English active."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
