"""Strings of Django 5.2 that its Vietnamese catalogue leaves in English, translated in ours.

Nothing calls these: they are marked here so that makemessages keeps them in
locale/vi/LC_MESSAGES/django.po, which Django reads before its own catalogues. The msgids must
stay exactly Django's; drop an entry once Django translates it.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, ngettext_lazy

# django/contrib/auth/password_validation.py (the catalogue has an older msgid)
ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)
# django/contrib/auth/forms.py and admin: the user pages of the admin
gettext_noop("Reset password")
gettext_noop("Set password")
gettext_noop("Password-based authentication")
gettext_noop("Enabled")
gettext_noop("Disabled")
gettext_noop(
    "Whether the user will be able to authenticate using a password or not. If disabled, they "
    "may still be able to authenticate using other backends, such as Single Sign-On or LDAP."
)
gettext_noop("Raw passwords are not stored, so there is no way to see the user’s password.")
gettext_noop("Enable password-based authentication for this user by setting a password.")
# django/contrib/admin templates
gettext_noop("Toggle navigation")
gettext_noop("Filter navigation items")
gettext_noop("Messages")
