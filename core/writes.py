"""Long work that writes batch after batch leaves room between batches for the users' writes."""

from __future__ import annotations

import time

from django.db import connection

# SQLite keeps no queue of waiting writers: each polls the lock (every 100 ms once it has
# waited a while) and a job that starts its next batch the moment it commits the last one
# wins every time; a user's save then waits out the busy timeout and fails. A pause a little
# longer than one poll lets the waiting writers in.
SQLITE_PAUSE_SECONDS = 0.15


def make_way_for_writers() -> None:
    """Call between two committed batches of a long write (an import, a rebuild).

    On SQLite, one writer at a time: pause, so that users' saves waiting for the lock get it.
    On PostgreSQL writers of different rows run side by side, and this does nothing. Inside
    a transaction it does nothing either: the lock would stay held while sleeping.
    """
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        time.sleep(SQLITE_PAUSE_SECONDS)
