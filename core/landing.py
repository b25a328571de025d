"""Pages a user is sent to on login before their dashboard; the domain apps register them."""

from __future__ import annotations

from collections.abc import Callable

# Each takes the user and returns the address of a page that needs them now, or None.
FirstPage = Callable[[object], "str | None"]
_first_pages: list[FirstPage] = []


def register_first_page(page: FirstPage) -> FirstPage:
    """Add a first-page rule (an app's AppConfig.ready calls this); rules are asked in order."""
    if page not in _first_pages:
        _first_pages.append(page)
    return page


def first_page(user) -> str | None:
    """The first registered page that needs the user, if any."""
    for page in _first_pages:
        address = page(user)
        if address:
            return address
    return None
