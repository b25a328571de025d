"""A recognition criteria set (YAML in data/rules/recognition/, or a CriteriaSet's JSON) as typed,
checked data: criteria, indicators with their thresholds and applicability, and the procedure."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from core.datafile import DataFile, DataFileError, load_schema, read_data_file, schema_errors

if TYPE_CHECKING:
    from .models import CriteriaSet

RULES_DIR = Path(__file__).resolve().parents[1] / "data" / "rules" / "recognition"
SCHEMA_PATH = RULES_DIR / "schema.json"

KINDS = (
    "boolean",
    "rate",
    "compound_rate",
    "ordinal",
    "trend",
    "count",
    "share_recognised",
    "points",
)
# The keys of a dict value, per kind; compound_rate lists its parts' inputs and "den".
INPUTS = {
    "rate": ("num", "den"),
    "share_recognised": ("num", "den"),
    "trend": ("value", "previous"),
}
# The prefill keys the workflow knows (CONTRACT section 3); a set may name only these.
PREFILL_KEYS = (
    "pcgd.preschool5",
    "pcgd.primary",
    "pcgd.lower_secondary",
    "xmc",
    "citizens.learning",
    "population.trained",
    "communes.recognised",
    "districts.recognised",
    "clc.facilities",
)
UNIT_FIELDS = ("difficult_area", "kind", "public")


class CriteriaError(ValueError):
    """A criteria set that does not hold together. `problems` are (JSON pointer, message)
    pairs; `lines`, when the set came from a file, the same as `<file>:<line>: message`."""

    def __init__(self, problems: list[tuple[str, str]], lines: list[str] | None = None) -> None:
        self.problems = problems
        self.lines = lines or [f"{p or '/'}: {m}" for p, m in problems]
        super().__init__("\n".join(self.lines))


@dataclass(frozen=True)
class Predicate:
    """Which units an indicator (or a condition of it) applies to; every given key must hold."""

    kind_in: tuple[str, ...] | None = None
    kind_not_in: tuple[str, ...] = ()
    public: bool | None = None
    difficult_area: bool | None = None

    def holds(self, unit: Mapping) -> bool:
        kind = unit.get("kind")
        if self.kind_in is not None and kind not in self.kind_in:
            return False
        if kind in self.kind_not_in:
            return False
        if self.public is not None and bool(unit.get("public")) is not self.public:
            return False
        return self.difficult_area is None or bool(unit.get("difficult_area")) is (
            self.difficult_area
        )


ALWAYS = Predicate()


@dataclass(frozen=True)
class Threshold:
    """A minimum per level, with the difficult-area variant where the set gives one."""

    minimum: Mapping[int, Any]
    difficult: Mapping[int, Any] = field(default_factory=dict)

    def at(self, unit: Mapping, level: int) -> Any:
        if unit.get("difficult_area") is True and level in self.difficult:
            return self.difficult[level]
        return self.minimum.get(level)


@dataclass(frozen=True)
class Part:
    """One share of a compound rate (X5.2: the trained, the university-educated), or an
    extra rate read from another key of the unit's indicators (U3.1_learners)."""

    input: str
    label: str
    threshold: Threshold
    when: Predicate = ALWAYS


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    criterion: str
    text: str
    cite: str
    kind: str
    inputs: tuple[str, ...]
    prefill: str = ""
    reading: str = ""
    levels: tuple[int, ...] = (1, 2)
    threshold: Threshold | None = None
    parts: tuple[Part, ...] = ()  # compound_rate
    also: tuple[Part, ...] = ()  # rate conditions on other keys, when their predicate holds
    scale: tuple[Any, ...] = ()  # ordinal: the values, lowest first (empty: whole numbers)
    scale_labels: Mapping[str, str] = field(default_factory=dict)
    direction: str = ""  # trend: "up" or "down"
    max_points: Decimal | None = None
    counts_level: Mapping[int, int] = field(default_factory=dict)  # share_recognised
    when: Predicate = ALWAYS
    when_level: Mapping[int, Predicate] = field(default_factory=dict)

    def applies(self, unit: Mapping, level: int) -> bool:
        if level not in self.levels or not self.when.holds(unit):
            return False
        return self.when_level.get(level, ALWAYS).holds(unit)

    def companions(self) -> tuple[IndicatorDef, ...]:
        """The rates of `also` as indicators of their own, to be typed and stored under their
        input key (U3.1_learners, which a vocational institution's U3.1 also needs); the
        engine reads them from the unit's indicators by that key."""
        return tuple(
            replace(
                self,
                code=p.input,
                kind="rate",
                inputs=("num", "den"),
                prefill="",
                text=f"{self.text} ({p.label})",
                threshold=p.threshold,
                parts=(),
                also=(),
                when=p.when,
            )  # fmt: skip
            for p in self.also
        )

    def threshold_text(self, unit: Mapping, level: int) -> str:
        """The requirement at `level` for `unit`, in the site's language: "≥ 60%"."""
        if self.kind == "boolean":
            return _("met")
        if self.kind == "points":
            return _("at most %(points)s points") % {"points": _number(self.max_points)}
        if self.kind == "trend":
            return (
                _("rises over the previous year")
                if self.direction == "up"
                else _("falls below the previous year")
            )
        if self.kind == "compound_rate":
            shares = [f"{p.label} ≥ {_number(p.threshold.at(unit, level))}%" for p in self.parts]
            return "; ".join(shares)
        minimum = self.threshold.at(unit, level) if self.threshold else None
        if self.kind == "ordinal":
            return f"≥ {self.scale_labels.get(str(minimum), _number(minimum))}"
        if self.kind == "count":
            return f"≥ {_number(minimum)}"
        text = f"≥ {_number(minimum)}%"
        extra = [
            f"{p.label} ≥ {_number(p.threshold.at(unit, level))}%"
            for p in self.also
            if p.when.holds(unit)
        ]
        return "; ".join([text, *extra])


def _number(value: Any) -> str:
    """12.5 → "12,5": the Vietnamese decimal comma, no trailing zeros."""
    if value is None:
        return "?"
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    text = format(Decimal(str(value)).normalize(), "f") if not isinstance(value, str) else value
    return text.replace(".", ",")


@dataclass(frozen=True)
class CriterionDef:
    code: str
    name: str
    indicators: tuple[IndicatorDef, ...]
    cite: str = ""


@dataclass(frozen=True)
class Deadline:
    step: str
    label: str
    month: int
    day: int
    year_offset: int


@dataclass(frozen=True)
class Decider:
    applicant_level: str
    office_level: str
    title: str
    valid_from: date | None
    valid_to: date | None
    confirmed: bool
    note: str

    def in_force(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )


@dataclass(frozen=True)
class CriteriaSetDef:
    code: str
    version: str
    model: str
    title: str
    source: str
    status: str
    valid_from: int
    valid_to: int | None
    method: str
    levels: tuple[int, ...]
    unit_fields: tuple[str, ...]
    missing_evidence: str
    validity_years: int | None
    pass_mark: Decimal | None
    criteria: tuple[CriterionDef, ...]
    deadlines: tuple[Deadline, ...]
    deciders: tuple[Decider, ...]
    cascade: Mapping | None
    reading: str = ""  # what about the whole set is UNCONFIRMED

    def indicators(self) -> tuple[IndicatorDef, ...]:
        return tuple(i for c in self.criteria for i in c.indicators)

    def indicator(self, code: str) -> IndicatorDef:
        """An indicator, or the companion rate of one (IndicatorDef.companions), by code."""
        for indicator in self.indicators():
            if indicator.code == code:
                return indicator
            for companion in indicator.companions():
                if companion.code == code:
                    return companion
        raise KeyError(code)

    def decider_for(self, applicant_level: str, filed_on: date) -> Decider | None:
        for decider in self.deciders:
            if decider.applicant_level == applicant_level and decider.in_force(filed_on):
                return decider
        return None

    def deadline(self, step: str, year: int) -> date | None:
        for deadline in self.deadlines:
            if deadline.step == step:
                return date(year + deadline.year_offset, deadline.month, deadline.day)
        return None


# --- parsing ---------------------------------------------------------------------------------


def parse(content: Mapping) -> CriteriaSetDef:
    """Check a set's content (schema, then what a schema cannot say) and type it."""
    doc = DataFile(path=Path("<content>"), data=_plain(content))
    errors = schema_errors(doc, load_schema(SCHEMA_PATH))
    if errors:
        raise CriteriaError([(e.pointer, e.message) for e in errors])
    parser = _Parser()
    result = parser.set(doc.data)
    if parser.problems:
        raise CriteriaError(parser.problems)
    return result


def _plain(content: Mapping) -> Any:
    """JSON-like data with string keys (YAML gives 1: for a level, JSON "1")."""
    return json.loads(json.dumps(content, default=str))


class _Parser:
    def __init__(self) -> None:
        self.problems: list[tuple[str, str]] = []

    def fail(self, pointer: str, message: str) -> None:
        self.problems.append((pointer, message))

    def set(self, data: dict) -> CriteriaSetDef:
        from .models import Model

        if data["model"] not in Model.values:
            self.fail("/model", _("unknown learning model '%(value)s'") % {"value": data["model"]})
        levels = tuple(data["levels"])
        if data["method"] == "points" and levels != (1,):
            self.fail("/levels", _("a points set has one level: [1]"))
        if data["method"] == "levels" and data.get("pass_mark") is not None:
            self.fail("/pass_mark", _("a pass mark belongs to a points set"))
        criteria = tuple(
            self.criterion(c, f"/criteria/{i}", data, levels)
            for i, c in enumerate(data["criteria"])
        )
        self.unique([(f"/criteria/{i}/code", c.code) for i, c in enumerate(criteria)])
        self.unique(
            [
                (f"/criteria/{i}/indicators/{j}/code", ind.code)
                for i, c in enumerate(criteria)
                for j, ind in enumerate(c.indicators)
            ]
        )
        pass_mark = data.get("pass_mark")
        return CriteriaSetDef(
            code=data["code"],
            version=str(data["version"]),
            model=data["model"],
            title=data["title"],
            source=data["source"],
            status=data["status"],
            valid_from=data["valid_from"],
            valid_to=data.get("valid_to"),
            method=data["method"],
            levels=levels,
            unit_fields=tuple(data.get("unit_fields", ())),
            missing_evidence=data["missing_evidence"],
            validity_years=data.get("validity_years"),
            pass_mark=None if pass_mark is None else Decimal(str(pass_mark)),
            criteria=criteria,
            deadlines=tuple(
                self.deadline(d, f"/deadlines/{i}") for i, d in enumerate(data["deadlines"])
            ),
            deciders=tuple(self.decider(d) for d in data["deciders"]),
            cascade=data.get("cascade"),
            reading=data.get("reading", ""),
        )

    def unique(self, items: list[tuple[str, str]]) -> None:
        seen: set[str] = set()
        for pointer, code in items:
            if code in seen:
                self.fail(pointer, _("code '%(code)s' is repeated") % {"code": code})
            seen.add(code)

    def criterion(self, raw: dict, pointer: str, data: dict, levels: tuple) -> CriterionDef:
        indicators = tuple(
            self.indicator(ind, f"{pointer}/indicators/{j}", raw["code"], data, levels)
            for j, ind in enumerate(raw["indicators"])
        )
        return CriterionDef(raw["code"], raw["name"], indicators, raw.get("cite", ""))

    def indicator(self, raw: dict, pointer: str, criterion: str, data: dict, levels: tuple):
        kind = raw["kind"]
        own_levels = tuple(raw.get("levels", levels))
        if not set(own_levels) <= set(levels):
            self.fail(f"{pointer}/levels", _("a level the set does not have"))
        if (kind == "points") != (data["method"] == "points"):
            self.fail(f"{pointer}/kind", _("points indicators go with method 'points' only"))
        if raw.get("prefill", "") and raw["prefill"] not in PREFILL_KEYS:
            self.fail(
                f"{pointer}/prefill", _("unknown prefill key '%(key)s'") % {"key": raw["prefill"]}
            )
        scale = tuple(raw.get("scale", ()))
        parts = tuple(
            self.part(p, f"{pointer}/parts/{i}", own_levels)
            for i, p in enumerate(raw.get("parts", ()))
        )
        also = tuple(
            self.part(p, f"{pointer}/also/{i}", own_levels)
            for i, p in enumerate(raw.get("also", ()))
        )
        threshold = None
        if kind in ("rate", "share_recognised", "ordinal", "count"):
            threshold = self.threshold(raw, pointer, own_levels, kind, scale)
        if kind == "compound_rate" and not parts:
            self.fail(pointer, _("a compound rate needs its parts"))
        if kind == "points" and raw.get("max") is None:
            self.fail(pointer, _("a points indicator needs 'max'"))
        if kind == "trend" and raw.get("direction") not in ("up", "down"):
            self.fail(pointer, _("a trend needs 'direction': up or down"))
        inputs = INPUTS.get(kind, ())
        if kind == "compound_rate":
            inputs = (*(p.input for p in parts), "den")
        return IndicatorDef(
            code=raw["code"],
            criterion=criterion,
            text=raw["text"],
            cite=raw["cite"],
            kind=kind,
            inputs=inputs,
            prefill=raw.get("prefill", ""),
            reading=raw.get("reading", ""),
            levels=own_levels,
            threshold=threshold,
            parts=parts,
            also=also,
            scale=scale,
            scale_labels={str(k): v for k, v in raw.get("scale_labels", {}).items()},
            direction=raw.get("direction", ""),
            max_points=None if raw.get("max") is None else Decimal(str(raw["max"])),
            counts_level={int(k): v for k, v in raw.get("counts_level", {}).items()},
            when=self.predicate(raw.get("when")),
            when_level={int(k): self.predicate(v) for k, v in raw.get("when_level", {}).items()},
        )

    def predicate(self, raw: dict | None) -> Predicate:
        if not raw:
            return ALWAYS
        kind_in = raw.get("kind_in")
        return Predicate(
            kind_in=None if kind_in is None else tuple(kind_in),
            kind_not_in=tuple(raw.get("kind_not_in", ())),
            public=raw.get("public"),
            difficult_area=raw.get("difficult_area"),
        )

    def part(self, raw: dict, pointer: str, levels: tuple) -> Part:
        return Part(
            input=raw["input"],
            label=raw.get("label", raw["input"]),
            threshold=self.threshold(raw, pointer, levels, "rate", ()),
            when=self.predicate(raw.get("when")),
        )

    def threshold(self, raw: dict, pointer: str, levels: tuple, kind: str, scale: tuple):
        if "min" not in raw:
            self.fail(pointer, _("missing required field '%(field)s'") % {"field": "min"})
            return Threshold({})
        minimum = self.per_level(raw["min"], f"{pointer}/min", levels, kind, scale)
        difficult = {}
        if "min_difficult_area" in raw:
            difficult = self.per_level(
                raw["min_difficult_area"], f"{pointer}/min_difficult_area", levels, kind, scale
            )
        return Threshold(minimum, difficult)

    def per_level(self, raw: Any, pointer: str, levels: tuple, kind: str, scale: tuple) -> dict:
        values = raw if isinstance(raw, dict) else {str(level): raw for level in levels}
        result: dict[int, Any] = {}
        for key, value in values.items():
            level = int(key)
            if level not in levels:
                self.fail(f"{pointer}/{key}", _("a level the indicator does not have"))
            result[level] = self.value(value, f"{pointer}/{key}", kind, scale)
        for level in levels:
            if level not in result:
                message = _("no threshold for level %(level)s") % {"level": level}
                self.fail(pointer, message)
        return result

    def value(self, value: Any, pointer: str, kind: str, scale: tuple) -> Any:
        if kind == "ordinal" and scale:
            if value not in scale:
                self.fail(pointer, _("'%(value)s' is not on the scale") % {"value": value})
            return value
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = Decimal("NaN")
        if isinstance(value, bool) or not number.is_finite() or number < 0:
            self.fail(pointer, _("a threshold must be a number ≥ 0"))
            return Fraction(0)
        if kind in ("ordinal", "count"):
            if number != number.to_integral_value():
                self.fail(pointer, _("a whole number is needed"))
            return int(number)
        return Fraction(number)

    def deadline(self, raw: dict, pointer: str) -> Deadline:
        try:
            date(2024, raw["month"], raw["day"])  # a leap year: 29/02 is a date
        except ValueError:
            self.fail(f"{pointer}/day", _("not a date"))
        return Deadline(raw["step"], raw["label"], raw["month"], raw["day"], raw["year_offset"])

    def decider(self, raw: dict) -> Decider:
        def day(value: str | None) -> date | None:
            return None if value is None else date.fromisoformat(value)

        return Decider(
            applicant_level=raw["applicant_level"],
            office_level=raw["office_level"],
            title=raw["title"],
            valid_from=day(raw.get("valid_from")),
            valid_to=day(raw.get("valid_to")),
            confirmed=raw["confirmed"],
            note=raw.get("note", ""),
        )


# --- files and the database ------------------------------------------------------------------


def read_file(path: Path | str) -> tuple[dict, CriteriaSetDef]:
    """A YAML set file, checked; every problem is reported as `<file>:<line>: message`."""
    doc, definition = read_document(path)
    return doc.data, definition


def read_document(path: Path | str) -> tuple[DataFile, CriteriaSetDef]:
    """As read_file, keeping the file's lines (for errors found later, e.g. by the loader)."""
    try:
        doc = read_data_file(path, SCHEMA_PATH)
    except DataFileError as exc:
        raise CriteriaError([(e.pointer, e.message) for e in exc.errors], exc.lines()) from exc
    try:
        return doc, parse(doc.data)
    except CriteriaError as exc:
        lines = [f"{doc.path}:{doc.line_of(p)}: {m} [{p or '/'}]" for p, m in exc.problems]
        raise CriteriaError(exc.problems, lines) from exc


def set_files(directory: Path | str = RULES_DIR) -> list[Path]:
    return sorted(Path(directory).glob("*.yaml"))


def read_code(code: str, directory: Path | str = RULES_DIR) -> CriteriaSetDef:
    """The newest version of set `code` among the files (no database): for the evaluate
    command. A file named `<code>.yaml` or `<code>@<version>.yaml` is read; KeyError if none."""
    found = []
    for path in set_files(directory):
        if path.stem == code or path.stem.startswith(f"{code}@"):
            found.append(read_file(path)[1])
    found = [d for d in found if d.code == code]
    if not found:
        raise KeyError(code)
    return max(found, key=lambda d: _version_key(d.version))


def _version_key(version: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in version.split("."))


def canonical(content: Mapping) -> str:
    """The content as canonical JSON (sorted keys, no spaces): what the sha256 is taken of."""
    return json.dumps(_plain(content), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# The CriteriaSet columns that repeat the content (for lists and queries); always taken from it.
ROW_FIELDS = ("code", "version", "model", "title", "source", "status", "valid_from", "valid_to")


def row_values(definition: CriteriaSetDef, content: Mapping) -> dict:
    """A CriteriaSet row's fields for this content: the columns, the content, its sha256."""
    values = {name: getattr(definition, name) for name in ROW_FIELDS}
    content = canonical_content(content)
    return values | {"content": content, "sha256": sha256_of(content)}


def canonical_content(content: Mapping) -> dict:
    """What a CriteriaSet row stores: the content as plain JSON (string keys)."""
    return _plain(content)


def sha256_of(content: Mapping) -> str:
    import hashlib

    return hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()


def definition(criteria_set: CriteriaSet) -> CriteriaSetDef:
    """The typed set of a stored row, parsed once per content (keyed by its sha256)."""
    key = criteria_set.sha256 or sha256_of(criteria_set.content)
    if key not in _PARSED:
        _PARSED[key] = parse(criteria_set.content)
    return _PARSED[key]


_PARSED: dict[str, CriteriaSetDef] = {}


def current(model: str, year: int) -> CriteriaSet | None:
    """The active set for `model` covering evaluation year `year`; the newest if several."""
    from django.db.models import Q

    from .models import CriteriaSet

    rows = CriteriaSet.objects.filter(model=model, active=True, valid_from__lte=year).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=year)
    )
    return max(rows, key=lambda r: (r.valid_from, _version_key(r.version)), default=None)
