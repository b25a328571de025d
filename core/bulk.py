"""Set-based writes for imports of millions of rows: plain INSERTs and their history rows.

The ORM's bulk_create builds a model instance and prepares every field of every row; a
province's register (2 million persons) spent most of its import there. These helpers take
rows as tuples of database-ready values (COPY on PostgreSQL, a prepared INSERT on SQLite)
and write the creation history with one INSERT … SELECT, in the caller's transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import connection
from django.db.models import Model


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(n) for n in names)


def insert_rows(model: type[Model], columns: Sequence[str], rows: Sequence[tuple]) -> None:
    """INSERT the rows (values in the order of `columns`).

    PostgreSQL takes them through COPY, SQLite through one prepared statement run for
    every row (its executemany loops in C); both are many times faster than bulk_create.
    """
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({_quoted(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({_quoted(columns)}) VALUES ({marks})", rows)


def db_datetime(moment: datetime.datetime):
    """A datetime as this database stores it (SQLite keeps text, PostgreSQL a timestamptz)."""
    return connection.ops.adapt_datetimefield_value(moment)


def add_creation_history(
    model: type[Model], where: str, params: Sequence, *, user_id: int | None, moment
) -> None:
    """Write django-simple-history "+" rows for the rows of `model` matching `where`."""
    history = model.history.model
    tracked = [f.column for f in model._meta.concrete_fields]
    extra = ["history_date", "history_type", "history_user_id", "history_change_reason"]
    sql = (
        f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)} "
        f"({_quoted(tracked + extra)}) "
        f"SELECT {_quoted(tracked)}, %s, '+', %s, NULL "
        f"FROM {connection.ops.quote_name(model._meta.db_table)} WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [db_datetime(moment), user_id, *params])
