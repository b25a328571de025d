"""A small stand-in for recognition.criteria and recognition.engine (CONTRACT §1), installed
only while those modules are absent from the branch: just the API the workflow's tests use,
over the inline content of recognition.testing. Importing this module installs it."""

from __future__ import annotations

import datetime
import importlib
import sys
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

MET, NOT_MET, NO_DATA, NOT_APPLICABLE = "met", "not_met", "no_data", "not_applicable"


class CriteriaError(ValueError):
    pass


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    criterion: str
    text: str
    cite: str
    kind: str
    inputs: tuple[str, ...]
    prefill: str
    reading: str
    thresholds: Mapping = field(default_factory=dict)
    difficult: Mapping = field(default_factory=dict)
    scale: tuple[str, ...] = ()
    rule: Mapping = field(default_factory=dict)

    def applies(self, unit: Mapping, level: int) -> bool:
        if self.rule.get("public") and not unit.get("public"):
            return False
        if self.rule.get("kind") and unit.get("kind") not in self.rule["kind"]:
            return False
        return unit.get("kind") not in self.rule.get("kind_not", ())

    def threshold_text(self, unit: Mapping, level: int) -> str:
        if self.kind == "boolean":
            return "Đạt"
        table = self.difficult if unit.get("difficult_area") and self.difficult else self.thresholds
        value = table.get(str(level))
        if isinstance(value, Mapping):
            return "; ".join(f"{k} ≥ {v}%" for k, v in value.items())
        return f"≥ {value}%" if self.kind == "rate" else f"≥ {value}"


@dataclass(frozen=True)
class CriterionDef:
    code: str
    name: str
    indicators: tuple[IndicatorDef, ...]


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
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    confirmed: bool
    note: str


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

    def indicators(self) -> tuple[IndicatorDef, ...]:
        return tuple(i for c in self.criteria for i in c.indicators)

    def indicator(self, code: str) -> IndicatorDef:
        for indicator in self.indicators():
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def decider_for(self, applicant_level: str, filed_on: datetime.date) -> Decider | None:
        for d in self.deciders:
            if d.applicant_level != applicant_level:
                continue
            if (d.valid_from is None or d.valid_from <= filed_on) and (
                d.valid_to is None or filed_on <= d.valid_to
            ):
                return d
        return None

    def deadline(self, step: str, year: int) -> datetime.date | None:
        for d in self.deadlines:
            if d.step == step:
                return datetime.date(year + d.year_offset, d.month, d.day)
        return None


def _day(text) -> datetime.date | None:
    return datetime.date.fromisoformat(str(text)) if text else None


def parse(content: Mapping) -> CriteriaSetDef:
    criteria = tuple(
        CriterionDef(c["code"], c["name"], tuple(
            IndicatorDef(
                i["code"], c["code"], i["text"], i.get("cite", ""), i["kind"],
                tuple(i.get("inputs", ())), i.get("prefill", ""), i.get("reading", ""),
                i.get("thresholds", {}), i.get("difficult_area", {}), tuple(i.get("scale", ())),
                i.get("applies", {}),
            ) for i in c["indicators"]))
        for c in content["criteria"]
    )  # fmt: skip
    return CriteriaSetDef(
        content["code"], str(content["version"]), content["model"], content["title"],
        content["source"], content["status"], content["valid_from"], content.get("valid_to"),
        content["method"], tuple(content["levels"]), tuple(content.get("unit_fields", ())),
        content["missing_evidence"], content.get("validity_years"), None, criteria,
        tuple(Deadline(**d) for d in content.get("deadlines", ())),
        tuple(Decider(d["applicant_level"], d["office_level"], d["title"], _day(d["valid_from"]),
                      _day(d["valid_to"]), d["confirmed"], d["note"])
              for d in content.get("deciders", ())),
        content.get("cascade"),
    )  # fmt: skip


def read_file(path):
    raise NotImplementedError


def definition(criteria_set) -> CriteriaSetDef:
    return parse(criteria_set.content)


def current(model: str, year: int):
    from django.db.models import Q

    from recognition.models import CriteriaSet

    return (
        CriteriaSet.objects.filter(model=model, active=True, valid_from__lte=year)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=year))
        .order_by("-valid_from", "-loaded_at")
        .first()
    )


# --- engine ---------------------------------------------------------------------------------


def _status(ind: IndicatorDef, unit: Mapping, level: int) -> str:
    if not ind.applies(unit, level):
        return NOT_APPLICABLE
    value = unit["indicators"].get(ind.code)
    if value is None:
        return NO_DATA
    table = ind.difficult if unit.get("difficult_area") and ind.difficult else ind.thresholds
    need = table.get(str(level))
    if ind.kind == "boolean":
        return MET if value is True else NOT_MET
    if ind.kind == "ordinal":
        if isinstance(value, str):
            if value not in ind.scale:
                raise ValueError(f"unknown level {value!r}")
            ok = ind.scale.index(value) >= ind.scale.index(need)
        else:
            ok = value >= need
        return MET if ok else NOT_MET
    if ind.kind in ("rate", "share_recognised"):
        if not value.get("den") or value.get("num") is None:
            return NO_DATA
        return MET if value["num"] * 100 >= need * value["den"] else NOT_MET
    if ind.kind == "compound_rate":
        if not value.get("den") or any(value.get(k) is None for k in need):
            return NO_DATA
        ok = all(value[k] * 100 >= t * value["den"] for k, t in need.items())
        return MET if ok else NOT_MET
    raise ValueError(ind.kind)


def combine(statuses) -> str:
    kept = [s for s in statuses if s != NOT_APPLICABLE]
    return NOT_MET if NOT_MET in kept else NO_DATA if NO_DATA in kept else MET


def reached(set_levels, levels) -> int | None:
    ordered = sorted(set_levels)
    for level in reversed(ordered):
        if levels[str(level)]["status"] == MET:
            return level
    return 0 if levels[str(ordered[0])]["status"] == NOT_MET else None


def evaluate(definition: CriteriaSetDef, unit: Mapping) -> dict:
    levels = {}
    for level in definition.levels:
        crits = {}
        for c in definition.criteria:
            inds = {i.code: _status(i, unit, level) for i in c.indicators}
            crits[c.code] = {"status": combine(inds.values()), "indicators": inds}
        levels[str(level)] = {"status": combine(x["status"] for x in crits.values()),
                              "criteria": crits}  # fmt: skip
    return {"level": reached(definition.levels, levels), "levels": levels}


def install() -> bool:
    """Put the stand-ins in place of the absent modules; True if it did."""
    import recognition

    installed = False
    for name in ("criteria", "engine"):
        try:
            importlib.import_module(f"recognition.{name}")
        except ModuleNotFoundError:
            module = types.ModuleType(f"recognition.{name}")
            module.__dict__.update({k: v for k, v in globals().items() if not k.startswith("__")})
            sys.modules[f"recognition.{name}"] = module
            setattr(recognition, name, module)
            installed = True
    return installed


INSTALLED = install()


def fake_publishing(monkeypatch) -> list | None:
    """recognition.publishing while its owner's branch has not landed: a recorder of calls
    (None when the real module is there)."""
    calls: list = []
    try:
        importlib.import_module("recognition.publishing")
        return None
    except ModuleNotFoundError:
        import recognition

        module = types.ModuleType("recognition.publishing")
        module.publish_recognition = calls.append
        monkeypatch.setitem(sys.modules, "recognition.publishing", module)
        monkeypatch.setattr(recognition, "publishing", module, raising=False)
    return calls
