"""DRF's own messages that the API answers, listed so that our catalogue translates them.

Django REST framework's Vietnamese catalogue holds about twenty messages; without this list a
request without credentials, a bad token or a page beyond the last answered in English. The
strings are DRF's msgids exactly (gettext_noop only marks them for makemessages); their
translations live in locale/vi, which Django reads before DRF's own catalogue.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

DRF_MESSAGES = (
    # authentication and permission
    gettext_noop("Authentication credentials were not provided."),
    gettext_noop("Incorrect authentication credentials."),
    gettext_noop("Invalid token."),
    gettext_noop("Invalid token header. No credentials provided."),
    gettext_noop("Invalid token header. Token string should not contain spaces."),
    gettext_noop("Invalid token header. Token string should not contain invalid characters."),
    gettext_noop("Request was throttled."),
    # requests and pages
    gettext_noop("A server error occurred."),
    gettext_noop("Invalid input."),
    gettext_noop("Malformed request."),
    gettext_noop("Invalid page."),
    gettext_noop("Could not satisfy the request Accept header."),
    gettext_noop('Unsupported media type "{media_type}" in request.'),
    # fields of a request body
    gettext_noop("This field is required."),
    gettext_noop("This field may not be null."),
    gettext_noop("Not a valid string."),
    gettext_noop("Must be a valid boolean."),
    gettext_noop("A valid integer is required."),
    gettext_noop("A valid number is required."),
    gettext_noop("String value too large."),
    gettext_noop("Ensure this value is less than or equal to {max_value}."),
    gettext_noop("Ensure this value is greater than or equal to {min_value}."),
    gettext_noop("Ensure this field has no more than {max_length} characters."),
    gettext_noop('"{input}" is not a valid choice.'),
    gettext_noop('Expected a list of items but got type "{input_type}".'),
    gettext_noop("Invalid data. Expected a dictionary, but got {datatype}."),
)
