"""SQL aggregates the ORM lacks on both of our databases (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Aggregate, TextField


class IdList(Aggregate):
    """The integer ids of a group in one value: PostgreSQL's array_agg, SQLite's
    group_concat. A group of ten thousand ids then crosses the driver as one value instead
    of ten thousand rows; read it with `ids()`."""

    function = "ARRAY_AGG"
    name = "IdList"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def ids(value: str | Iterable[int] | None) -> list[int]:
    """The ids of an `IdList` value, as either database returns it."""
    if value is None:
        return []
    if isinstance(value, str):
        return [int(part) for part in value.split(",")] if value else []
    return list(value)
