"""The registers of learning models: a commune's tallies per village, model and year, their one
write path (form, Excel import and demo alike) and their sums over a unit's communes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404
from django.utils.translation import gettext as _

from core.text import fold, nfc
from units.access import can
from units.codes import year_end
from units.models import OrgUnit
from universalization.queries import COMMUNE_LEVEL, communes_covered

from . import publishing
from .models import Model, Tally

# The models a commune's register counts, in the order the Hội's yearly table lists them.
TALLY_MODELS: tuple[str, ...] = (
    Model.FAMILY,
    Model.CLAN,
    Model.VILLAGE,
    Model.GRASSROOTS_UNIT,
    Model.CITIZEN,
)
FIGURES = ("total", "registered", "recognised")
VILLAGE_MAX = Tally._meta.get_field("village").max_length


@dataclass(frozen=True)
class Problem:
    """What is wrong with one row given to save_tallies (`index`: its place, from 0)."""

    index: int
    field: str
    message: str


class TallyError(Exception):
    """Nothing was saved; the message is for the user, `problems` names each row and field.
    `stale`: a row changed since the version the user started from."""

    def __init__(self, message: str, problems: Iterable[Problem] = (), *, stale: bool = False):
        super().__init__(message)
        self.problems = list(problems)
        self.stale = stale


@dataclass(frozen=True)
class Figures:
    """A model's counts (None: not reported) and the share recognised, computed at display."""

    total: int | None = None
    registered: int | None = None
    recognised: int | None = None

    @property
    def share(self) -> Decimal | None:
        return share(self.recognised, self.total)


def share(part: int | None, whole: int | None) -> Decimal | None:
    """part / whole × 100, exact; None without a whole (no figure, or zero)."""
    if part is None or not whole:
        return None
    return Decimal(part) * 100 / Decimal(whole)


@dataclass
class Saved:
    """What save_tallies did: the rows created and changed, and how many were left alone."""

    created: list[Tally] = field(default_factory=list)
    updated: list[Tally] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def is_commune(unit: OrgUnit) -> bool:
    return (
        unit.kind == OrgUnit.Kind.ADMINISTRATIVE
        and unit.level_id is not None
        and unit.level.code == COMMUNE_LEVEL
    )


def holds_register(unit: OrgUnit, year: int) -> bool:
    """Whether `unit` keeps tallies for `year`: a commune-level administrative unit standing
    at the year's end (a year's figures belong to the units standing then)."""
    return is_commune(unit) and unit.is_valid_on(year_end(year))


def village_name(text) -> str:
    """A village's name as stored: NFC, spaces collapsed."""
    return " ".join(nfc(str(text or "")).split())


# --- reading the rows given ---------------------------------------------------------------


@dataclass
class _Row:
    index: int
    village: str
    model: str
    figures: dict[str, int | None]
    note: str
    version: int | None


def _figure(value, index: int, name: str, problems: list[Problem]) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = None
    if not isinstance(value, bool):
        try:
            number = Decimal(str(value).strip())
        except ArithmeticError:
            number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        problems.append(Problem(index, name, _("a whole number, such as 0 or 125")))
        return None
    if number < 0:
        problems.append(Problem(index, name, _("a number that is not negative")))
        return None
    return int(number)


def _read(rows: Iterable[Mapping], problems: list[Problem]) -> list[_Row]:
    read, seen = [], {}
    for index, row in enumerate(rows):
        village = village_name(row.get("village"))
        if len(village) > VILLAGE_MAX:
            message = _("a name of at most %(n)s characters") % {"n": VILLAGE_MAX}
            problems.append(Problem(index, "village", message))
        model = str(row.get("model") or "")
        if model not in TALLY_MODELS:
            problems.append(Problem(index, "model", _("a learning model of the register")))
            continue
        key = (fold(village), model)
        if key in seen:
            message = _("one row per village and model (this one is already row %(row)s)")
            problems.append(Problem(index, "village", message % {"row": seen[key] + 1}))
            continue
        seen[key] = index
        figures = {name: _figure(row.get(name), index, name, problems) for name in FIGURES}
        version = row.get("version")
        note = nfc(str(row.get("note") or "")).strip()
        read.append(_Row(index, village, model, figures, note, _version(version)))
    return read


def _version(value) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # matches no row: refused as stale


def _merged(row: _Row, saved: Tally | None) -> dict:
    """The row's values after a save: a blank figure or note keeps what is saved."""
    values = {}
    for name in FIGURES:
        new = row.figures[name]
        values[name] = new if new is not None else getattr(saved, name, None)
    values["note"] = row.note or getattr(saved, "note", "")
    return values


def _bounds(row: _Row, values: dict, problems: list[Problem]) -> None:
    total, registered, recognised = (values[name] for name in FIGURES)
    if registered is not None and total is not None and registered > total:
        message = _("at most the total (%(total)s)") % {"total": total}
        problems.append(Problem(row.index, "registered", message))
    if recognised is not None and registered is not None and recognised > registered:
        message = _("at most the number registered (%(registered)s)") % {"registered": registered}
        problems.append(Problem(row.index, "recognised", message))
    if recognised is not None and registered is None and total is not None and recognised > total:
        message = _("at most the total (%(total)s)") % {"total": total}
        problems.append(Problem(row.index, "recognised", message))


def _stale(row: _Row, saved: Tally | None) -> bool:
    if row.version is None:  # the demo and scripts: no check
        return False
    return (saved.version if saved is not None else 0) != row.version


# --- the write path -----------------------------------------------------------------------


def require_register(commune: OrgUnit, year: int, actor) -> None:
    """Http404 outside the actor's data-entry scope; TallyError if the unit keeps no
    register for that year."""
    if not can(actor, "enter_data", commune):
        raise Http404
    if not holds_register(commune, year):
        raise TallyError(
            _(
                "Learning-model tallies are kept by a commune-level unit standing at the end "
                "of the year; %(unit)s is not one in %(year)s."
            )
            % {"unit": commune.display_name, "year": year}
        )


@dataclass
class SavePlan:
    """What saving the rows would do: per row, its saved tally (None: new) and its values
    after the save; the problems that refuse the save."""

    steps: list[tuple[_Row, Tally | None, dict]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    stale: bool = False


def plan_save(
    commune: OrgUnit, year: int, rows: Iterable[Mapping], *, lock: bool = False
) -> SavePlan:
    """Check the rows against the commune's saved tallies of `year` (writes nothing): the
    preview of an import and save_tallies both read this."""
    plan = SavePlan()
    read = _read(rows, plan.problems)
    saved_rows = Tally.objects.filter(commune=commune, year=year)
    if lock:
        saved_rows = saved_rows.select_for_update()
    saved = {(fold(t.village), t.model): t for t in saved_rows}
    for row in read:
        current = saved.get((fold(row.village), row.model))
        if _stale(row, current):
            plan.stale = True
            message = _("this row was changed by someone else after you opened it")
            plan.problems.append(Problem(row.index, "version", message))
            continue
        values = _merged(row, current)
        _bounds(row, values, plan.problems)
        plan.steps.append((row, current, values))
    return plan


@transaction.atomic
def save_tallies(commune: OrgUnit, year: int, rows: Iterable[Mapping], *, actor) -> Saved:
    """Save a commune's tallies for `year`, all or none: rows = [{"village", "model", "total",
    "registered", "recognised", "note", "version"?}]. A blank figure never erases a saved
    one; a row whose `version` is not the saved one's (0: no row yet) refuses the whole save.
    Then the commune's sums go to the value store (publishing.publish_tallies)."""
    require_register(commune, year, actor)
    plan = plan_save(commune, year, rows, lock=True)
    if plan.problems:
        raise TallyError(_refusal(plan.stale), plan.problems, stale=plan.stale)
    result = Saved()
    try:
        with transaction.atomic():
            for row, current, values in plan.steps:
                _write(commune, year, row, current, values, actor, result)
    except IntegrityError:
        # Another save created one of these rows meanwhile: this one expected none.
        raise TallyError(_refusal(True), stale=True) from None
    if result.changed:
        publishing.publish_tallies(commune, year, actor=actor)
    return result


def is_blank(values: Mapping) -> bool:
    return all(values.get(name) is None for name in FIGURES) and not values.get("note")


def _refusal(stale: bool) -> str:
    if stale:
        return _(
            "Someone else saved these tallies since you opened them; nothing was saved. "
            "Open the page again to see their figures, then enter yours."
        )
    return _("The tallies were not saved: correct the rows marked.")


def _write(commune, year, row: _Row, current: Tally | None, values: dict, actor, result: Saved):
    if current is not None and all(getattr(current, k) == v for k, v in values.items()):
        result.unchanged += 1
        return
    if current is None and is_blank(values):
        return  # a blank new row (a village prefilled on the form) holds nothing to save
    tally = current or Tally(commune=commune, year=year, village=row.village, model=row.model)
    for name, value in values.items():
        setattr(tally, name, value)
    if current is not None:
        tally.version += 1
    tally.updated_by = tally._history_user = actor
    tally._change_reason = _("Version %(version)s") % {"version": tally.version}
    tally.save()
    (result.updated if current is not None else result.created).append(tally)


# --- reading ------------------------------------------------------------------------------


def communes_of(unit: OrgUnit, year: int) -> list[OrgUnit]:
    """The communes whose tallies make up `unit`'s in `year`: itself for a commune, else the
    communes of the units standing for it at the year's end."""
    return communes_covered(unit, year)[1]


def tallies_for(unit: OrgUnit, year: int) -> list[Tally]:
    """The tally rows of the communes `unit` covers in `year`, commune by commune."""
    return list(
        Tally.objects.filter(commune__in=communes_of(unit, year), year=year)
        .select_related("commune", "commune__level", "updated_by")
        .order_by("commune__path", "village", "model")
    )


def summary(unit: OrgUnit, year: int) -> dict[str, Figures]:
    """Per model, the sums over the communes `unit` covers in `year` (one grouped query)."""
    rows = (
        Tally.objects.filter(commune__in=communes_of(unit, year), year=year)
        .values("model")
        .annotate(total=Sum("total"), registered=Sum("registered"), recognised=Sum("recognised"))
        .order_by()
    )
    found = {r["model"]: Figures(r["total"], r["registered"], r["recognised"]) for r in rows}
    return {model: found.get(model, Figures()) for model in TALLY_MODELS}


def pivot(tallies: Iterable[Tally], key) -> dict:
    """The tallies summed by `key(tally)` (a village, a commune) and model, in first-seen
    order: {key: {model: Figures}}."""
    sums: dict = {}
    for tally in tallies:
        per_model = sums.setdefault(key(tally), {})
        old = per_model.get(tally.model, Figures())
        per_model[tally.model] = Figures(
            *(_add(getattr(old, name), getattr(tally, name)) for name in FIGURES)
        )
    return sums


def _add(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


def villages_of(commune: OrgUnit, year: int) -> list[str]:
    """The villages the commune's register names in `year` and in its latest earlier year
    (what a new year's form and template start from)."""
    earlier = (
        Tally.objects.filter(commune=commune, year__lt=year).order_by("-year").values("year")[:1]
    )
    names = set(_villages(commune, year))
    if earlier:
        names |= set(_villages(commune, earlier[0]["year"]))
    return sorted(names, key=lambda v: (v == "", fold(v)))


def _villages(commune: OrgUnit, year: int) -> list[str]:
    return list(Tally.objects.filter(commune=commune, year=year).values_list("village", flat=True))
