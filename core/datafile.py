"""Read YAML data files with line numbers, validate them by JSON Schema, and sync rows to them."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.contrib.admin.utils import NestedObjects
from django.db import models
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError


@dataclass(frozen=True, order=True)
class DataError:
    """One problem in a data file: its line (1-based), JSON pointer and translated message."""

    line: int
    pointer: str
    message: str

    def __str__(self) -> str:
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class DataFileError(Exception):
    """A data file that cannot be loaded; `errors` holds every problem found, sorted."""

    def __init__(self, path: Path | str, errors: list[DataError]) -> None:
        self.path = Path(path)
        self.errors = sorted(set(errors))
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        """Each error as `<file>:<line>: <message>`, the form editors and CI understand."""
        return [f"{self.path}:{e.line}: {e.message} [{e.pointer or '/'}]" for e in self.errors]


@dataclass
class DataFile:
    """A data file read into plain JSON-like data, with the line of every JSON pointer."""

    path: Path
    data: Any
    lines: dict[str, int] = field(default_factory=dict)
    sha256: str = ""

    def line_of(self, pointer: str) -> int:
        """The line of `pointer`, or of its nearest ancestor that has one."""
        while pointer not in self.lines and pointer:
            pointer = pointer.rsplit("/", 1)[0]
        return self.lines.get(pointer, 1)

    def error(self, pointer: str, message: str) -> DataError:
        return DataError(self.line_of(pointer), pointer, message)


def pointer_join(pointer: str, token: str | int) -> str:
    text = str(token).replace("~", "~0").replace("/", "~1")
    return f"{pointer}/{text}"


@cache
def load_schema(path: Path) -> dict[str, Any]:
    schema = json.loads(Path(path).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return schema


def read_data_file(path: Path | str, schema_path: Path) -> DataFile:
    """Parse and validate a YAML file; raise one DataFileError listing every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        message = _("cannot read the file: %(error)s") % {"error": exc}
        raise DataFileError(path, [DataError(1, "", message)]) from exc
    doc = parse_yaml(path, text)
    doc.sha256 = hashlib.sha256(raw).hexdigest()
    errors = schema_errors(doc, load_schema(schema_path))
    if errors:
        raise DataFileError(path, errors)
    return doc


def parse_yaml(path: Path, text: str) -> DataFile:
    """Compose the YAML (safe tags only) into plain data; duplicate keys are errors."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise DataFileError(path, [DataError(1, "", _("the file is empty"))])
        builder = _Builder(loader)
        data = builder.build(node, "")
    except yaml.YAMLError as exc:
        raise DataFileError(path, [_syntax_error(exc)]) from exc
    finally:
        loader.dispose()
    if builder.errors:
        raise DataFileError(path, builder.errors)
    return DataFile(path=path, data=data, lines=builder.lines)


def _syntax_error(exc: yaml.YAMLError) -> DataError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    problem = getattr(exc, "problem", None) or str(exc)
    return DataError(line, "", _("YAML syntax error: %(problem)s") % {"problem": problem})


class _Builder:
    """Turns composed YAML nodes into dicts, lists and scalars, recording each node's line."""

    def __init__(self, loader: yaml.SafeLoader) -> None:
        self.loader = loader
        self.lines: dict[str, int] = {}
        self.errors: list[DataError] = []

    def build(self, node: yaml.Node, pointer: str) -> Any:
        self.lines.setdefault(pointer, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, pointer)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(n, pointer_join(pointer, i)) for i, n in enumerate(node.value)]
        return self._scalar(node, pointer)

    def _mapping(self, node: yaml.MappingNode, pointer: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = self._scalar(key_node, pointer) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int):
                self.errors.append(DataError(line, pointer, _("a key must be a string")))
                continue
            key = str(key)
            child = pointer_join(pointer, key)
            if key in result:
                first = self.lines.get(f"{child}#key", line)
                message = _("duplicate key '%(key)s' (already at line %(line)s)") % {
                    "key": key,
                    "line": first,
                }
                self.errors.append(DataError(line, child, message))
                continue
            self.lines[f"{child}#key"] = line
            result[key] = self.build(value_node, child)
        return result

    def _scalar(self, node: yaml.Node, pointer: str) -> Any:
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            line = node.start_mark.line + 1
            message = _("unreadable value: %(error)s") % {"error": exc}
            self.errors.append(DataError(line, pointer, message))
            return None
        if isinstance(value, datetime.date | datetime.datetime):
            return value.isoformat()
        return value


# --- schema validation -------------------------------------------------------------------

TYPE_NAMES = {
    "string": gettext_lazy("a string"),
    "integer": gettext_lazy("a whole number"),
    "number": gettext_lazy("a number"),
    "boolean": gettext_lazy("true or false"),
    "array": gettext_lazy("a list"),
    "object": gettext_lazy("a mapping of key: value"),
    "null": gettext_lazy("empty"),
}


def schema_errors(doc: DataFile, schema: dict[str, Any]) -> list[DataError]:
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors: list[DataError] = []
    for error in validator.iter_errors(doc.data):
        errors.extend(_translate(doc, error))
    return sorted(set(errors))


def _translate(doc: DataFile, error: ValidationError) -> list[DataError]:
    pointer = "".join(pointer_join("", p) for p in error.absolute_path)
    if error.validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extras = [k for k in error.instance if k not in allowed]
        return [
            DataError(
                doc.line_of(f"{pointer_join(pointer, k)}#key"),
                pointer_join(pointer, k),
                _("field '%(field)s' is not allowed") % {"field": k},
            )
            for k in extras
        ]
    return [doc.error(pointer, _message(error))]


def _message(error: ValidationError) -> str:
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "required":
        match = re.match(r"^'(.+)' is a required property", error.message)
        field = match.group(1) if match else expected
        return _("missing required field '%(field)s'") % {"field": field}
    if kind in ("not", "oneOf", "anyOf") and "x-message" in error.schema:
        return error.schema["x-message"]
    if kind == "minLength" and expected == 1:
        return _("must not be empty")
    if kind in _MESSAGES:
        type_name = TYPE_NAMES.get(str(expected), expected) if kind == "type" else ""
        expected_text = ", ".join(map(str, expected)) if kind == "enum" else expected
        context = {"value": value, "expected": expected_text, "type": type_name}
        return _MESSAGES[kind] % context
    return _("invalid (%(kind)s: %(error)s)") % {"kind": kind, "error": error.message}


# One message per JSON Schema keyword; placeholders: value, expected, type.
_MESSAGES = {
    "enum": gettext_lazy("value '%(value)s' is not valid; allowed: %(expected)s"),
    "const": gettext_lazy("value '%(value)s' is not valid; it must be '%(expected)s'"),
    "type": gettext_lazy("value '%(value)s' must be %(type)s"),
    "pattern": gettext_lazy("value '%(value)s' does not match the pattern %(expected)s"),
    "format": gettext_lazy("value '%(value)s' is not in the %(expected)s format (e.g. 2020-01-03)"),
    "minLength": gettext_lazy("must have at least %(expected)s characters"),
    "maxLength": gettext_lazy("longer than %(expected)s characters"),
    "minItems": gettext_lazy("must have at least %(expected)s items"),
    "maxItems": gettext_lazy("may have at most %(expected)s items"),
    "uniqueItems": gettext_lazy("items must not repeat"),
    "minimum": gettext_lazy("value %(value)s must be ≥ %(expected)s"),
    "maximum": gettext_lazy("value %(value)s must be ≤ %(expected)s"),
    "exclusiveMinimum": gettext_lazy("value %(value)s must be > %(expected)s"),
    "exclusiveMaximum": gettext_lazy("value %(value)s must be < %(expected)s"),
}


# --- writing what a data file describes ---------------------------------------------------


def upsert(model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, bool]:
    """Create or update the row found by its natural key; save only when a field changed.

    Returns the row and whether anything was written, so re-loading a file is a no-op.
    """
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save()
    return row, bool(changed)


def set_related(manager: Any, pks: set[int]) -> bool:
    """Make a many-to-many relation hold exactly `pks`; write only when it differs."""
    if set(manager.values_list("pk", flat=True)) == pks:
        return False
    manager.set(pks)
    return True


class Sync:
    """Makes the database hold what a data file describes: upserts rows by natural key and
    prunes the rest, counting what it writes. Run it inside one transaction: a prune that
    would delete a row another table protects raises DataFileError, and the caller's atomic
    block then undoes everything written before it."""

    def __init__(self, doc: DataFile) -> None:
        self.doc = doc
        self.written = 0

    def row(self, model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> Any:
        row, changed = upsert(model, lookup, values)
        self.written += changed
        return row

    def related(self, manager: Any, pks: set[int]) -> None:
        self.written += set_related(manager, pks)

    def prune(self, queryset: Any, kept: list[Any], pointer: str = "") -> None:
        """Delete the rows of `queryset` not in `kept`. `pointer` is the file's list of those
        rows: the place reported when another table still needs a row the file dropped."""
        doomed = queryset.exclude(pk__in=[row.pk for row in kept])
        try:
            deleted, _counts = doomed.delete()
        except (models.ProtectedError, models.RestrictedError):
            messages = protected_messages(doomed)
            if not messages:
                raise
            line = self.doc.lines.get(f"{pointer}#key") or self.doc.line_of(pointer)
            errors = [DataError(line, pointer, message) for message in messages]
            raise DataFileError(self.doc.path, errors) from None
        self.written += deleted


def protected_messages(queryset: Any) -> list[str]:
    """Why the rows of `queryset` cannot be deleted: a message for each row (or row their
    deletion cascades to) that a protecting foreign key points at, naming what protects it."""
    nested = NestedObjects(using=queryset.db)
    nested.collect(list(queryset))  # gathers the protecting rows instead of raising
    pks_by_model: dict[Any, set] = defaultdict(set)
    for obj in nested.protected:
        pks_by_model[obj._meta.concrete_model].add(obj.pk)
    # doomed row -> protecting model -> the owner (or the pk) of each protecting row
    blockers: dict[Any, dict[Any, list]] = defaultdict(lambda: defaultdict(list))
    for model, pks in pks_by_model.items():
        owner = _owner(model)
        for key in _protecting_fields(model):
            doomed = {getattr(o, key.target_field.attname): o
                      for o in nested.model_objs.get(key.related_model, ())}  # fmt: skip
            rows = model._default_manager.filter(pk__in=pks)
            for target, owner_id in rows.values_list(key.attname, owner or "pk"):
                if target in doomed:
                    blockers[doomed[target]][model].append(owner_id)
    return [
        _protected(row, model, ids) for row, by in blockers.items() for model, ids in by.items()
    ]


def _protecting_fields(model: Any) -> list[Any]:
    protecting = (models.PROTECT, models.RESTRICT)
    return [f for f in model._meta.concrete_fields
            if f.many_to_one and f.remote_field.on_delete in protecting]  # fmt: skip


def _owner(model: Any) -> str | None:
    """The one foreign key a protecting row is deleted with (a progress report's round): it
    tells the user where those rows are. None when there is no single such key."""
    owners = [f.attname for f in model._meta.concrete_fields
              if f.many_to_one and f.remote_field.on_delete is models.CASCADE]  # fmt: skip
    return owners[0] if len(owners) == 1 else None


# Why a prune is refused; placeholders: kind and row (the row the file dropped), thing (what
# refers to it), count, and owner (where those records are: "2 reporting round record(s)").
PROTECTED = gettext_lazy(
    "%(kind)s “%(row)s” cannot be removed: %(count)s %(thing)s record(s) refer to it. Keep it "
    "in the file, or have an administrator remove those %(thing)s records first."
)
PROTECTED_IN = gettext_lazy(
    "%(kind)s “%(row)s” cannot be removed: there are %(thing)s records for it in %(count)s "
    "%(owner)s record(s). Keep it in the file, or have an administrator remove those %(thing)s "
    "records first."
)


def _protected(row: Any, model: Any, owner_ids: list) -> str:
    context = {
        "kind": row._meta.verbose_name,
        "row": Truncator(str(row)).chars(80),
        "thing": model._meta.verbose_name,
        "count": len(set(owner_ids)),
    }
    owner = _owner(model)
    if owner is None:
        return PROTECTED % context
    context["owner"] = model._meta.get_field(owner).related_model._meta.verbose_name
    return PROTECTED_IN % context
