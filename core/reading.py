"""One reading: what cannot change while one page is computed, asked of the database once.

A dashboard evaluates every target of every plan for a unit: each figure asks which units
stood for it in each year, which elements are held on a unit itself, what the map's links
are. Within `one_reading()` each such question is answered once (`memo`); outside one,
`memo` computes every time. Nothing is kept after the block, so the next request sees the
data as it is then.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_reading: ContextVar[dict | None] = ContextVar("xhht_reading", default=None)


@contextlib.contextmanager
def one_reading() -> Iterator[None]:
    """Answer each `memo` question once within the block (nested blocks share the outer one).
    Usable as a decorator."""
    if _reading.get() is not None:
        yield
        return
    token = _reading.set({})
    try:
        yield
    finally:
        _reading.reset(token)


def memo(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, once per key within a reading; every time outside one."""
    reading = _reading.get()
    if reading is None:
        return compute()
    if key not in reading:
        reading[key] = compute()
    return reading[key]
