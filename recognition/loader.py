"""Load criteria set files into CriteriaSet rows: check every file, then write all or nothing.

A row is found by (code, version). The same content is left alone; a changed content under the
same version replaces the row only while no application uses it: otherwise the version must be
bumped, so that every evaluation keeps the set it was made with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from . import criteria
from .models import CriteriaSet


class LoadError(Exception):
    """Files that cannot be loaded; `lines` are `<file>:<line>: message`, one per problem."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def load(paths: list[Path | str] | None = None) -> LoadResult:
    """Load the given files (default: every set in data/rules/recognition/)."""
    files = [Path(p) for p in paths] if paths else criteria.set_files()
    read, lines = [], []
    for path in files:
        try:
            read.append(criteria.read_document(path))
        except criteria.CriteriaError as error:
            lines.extend(error.lines)
    seen: dict[tuple[str, str], Path] = {}
    for doc, definition in read:
        key = (definition.code, definition.version)
        if key in seen:
            message = _("set %(code)s version %(version)s is also in %(other)s") % {
                "code": key[0],
                "version": key[1],
                "other": seen[key],
            }
            lines.append(f"{doc.path}:{doc.line_of('/version')}: {message}")
        seen[key] = doc.path
    if lines:
        raise LoadError(lines)
    with transaction.atomic():
        return _write(read)


def _write(read: list) -> LoadResult:
    result = LoadResult()
    problems = []
    for doc, definition in read:
        values = criteria.row_values(definition, doc.data)
        sha256 = values["sha256"]
        row = (
            CriteriaSet.objects.select_for_update()
            .filter(code=definition.code, version=definition.version)
            .first()
        )
        if row is None:
            CriteriaSet.objects.create(**values)
            result.created += 1
        elif row.sha256 == sha256:
            result.unchanged += 1
        elif row.applications.exists():
            message = _(
                "set %(code)s version %(version)s has changed, but applications already use "
                'that version: give the file a new version (e.g. "%(next)s") and load it again'
            ) % {
                "code": definition.code,
                "version": definition.version,
                "next": next_version(definition.version),
            }
            problems.append(f"{doc.path}:{doc.line_of('/version')}: {message}")
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            result.updated += 1
    if problems:
        raise LoadError(problems)  # the atomic block undoes what was written before
    return result


def next_version(version: str) -> str:
    """A suggestion: "1" → "2", "2024.1" → "2024.2"; otherwise the version with ".1"."""
    head, _dot, last = version.rpartition(".")
    if last.isdigit():
        return f"{head}{_dot}{int(last) + 1}"
    return f"{version}.1"
