"""The PCGD-XMC tables as rows (a commune's standards, communes by standard, persons behind a
rate, the statistical tables by birth year) for the pages, and the .xlsx workbooks of them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import xlsx
from core.xlsx import LANDSCAPE, PORTRAIT, Page, Sheet, Unnumbered
from units.models import OrgUnit

from . import predicates, queries
from .models import Person
from .rules import RuleSet
from .standards import MET, NOT_MET, UNDETERMINED, Evaluation, StandardResult

STATUS_LABELS = {
    MET: gettext_lazy("Met"),
    NOT_MET: gettext_lazy("Not met"),
    UNDETERMINED: gettext_lazy("Undetermined"),
}
BIRTH_YEAR_SPAN = 60  # the statistical tables run from persons aged 60 down to newborns


def at_least(minimum: int) -> str:
    """A condition's or a district's threshold as offices write it: "≥ 95%"."""
    return f"≥ {minimum}%"


# --- a commune's standards -------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionRow:
    rate: str  # the rate's code in the rule set (the persons page takes it)
    name: str
    ages: tuple[int, int]
    num: int
    den: int
    minimum: int
    normal_minimum: int
    status: str
    holds_when_empty: bool

    @property
    def percent(self) -> Decimal | None:
        """For display only: the status comes from the engine's exact comparison."""
        return Decimal(self.num * 100) / Decimal(self.den) if self.den else None

    @property
    def missing(self) -> int:
        return self.den - self.num

    @property
    def threshold(self) -> str:
        return at_least(self.minimum)

    @property
    def normal_threshold(self) -> str:
        return at_least(self.normal_minimum)

    @property
    def eased(self) -> bool:
        """The threshold of an especially disadvantaged commune applies (and differs)."""
        return self.minimum != self.normal_minimum


@dataclass(frozen=True)
class Prerequisite:
    standard: str
    name: str
    level: str
    status: str


@dataclass(frozen=True)
class LevelRow:
    code: str
    status: str
    cite: str
    conditions: tuple[ConditionRow, ...]
    requires: tuple[Prerequisite, ...]


@dataclass(frozen=True)
class StandardRow:
    code: str
    name: str
    level: int
    levels: tuple[LevelRow, ...]

    @property
    def status(self) -> str:
        """Met when some level is met; otherwise what keeps the first level back."""
        return MET if self.level else self.levels[0].status


def commune_standards(
    results: Mapping[str, StandardResult], disadvantaged: bool, rules: RuleSet
) -> list[StandardRow]:
    """Every standard of one commune with each level's conditions, as the page shows them."""
    rows = []
    for code, standard in rules.standards.items():
        result = results[code]
        levels = []
        for lv, definition in standard.levels.items():
            level = result.levels[lv]
            conditions = tuple(
                _condition(standard.rates[got.rate], got, c.minimum, disadvantaged, rules)
                for c, got in zip(definition.conditions, level.conditions, strict=True)
            )
            requires = tuple(
                Prerequisite(s, rules.standards[s].name, req, status)
                for s, req, status in level.requires
            )
            levels.append(LevelRow(lv, str(level.status), level.cite, conditions, requires))
        rows.append(StandardRow(code, standard.name, result.level, tuple(levels)))
    return rows


def _condition(rate_code: str, got, normal: int, disadvantaged: bool, rules: RuleSet):
    rate = rules.rates[rate_code]
    return ConditionRow(
        rate=rate_code,
        name=rate.name,
        ages=rate.ages_for(disadvantaged),
        num=got.count.num,
        den=got.count.den,
        minimum=got.minimum,
        normal_minimum=normal,
        status=str(got.status),
        holds_when_empty=rate.holds_when_empty,
    )


# --- communes by standard, districts' summaries ----------------------------------------------


@dataclass(frozen=True)
class CommuneCell:
    standard: str
    level: int
    status: str
    levels: tuple[tuple[str, str], ...]  # (level, status)


@dataclass(frozen=True)
class CommuneRow:
    unit: OrgUnit
    disadvantaged: bool
    cells: tuple[CommuneCell, ...]


@dataclass(frozen=True)
class SummaryRow:
    standard: str
    name: str
    level: str
    met: int
    of: int
    share: int
    status: str


@dataclass(frozen=True)
class DistrictSummary:
    code: str
    unit: OrgUnit | None
    rows: tuple[SummaryRow, ...] = field(default=())


def commune_rows(
    communes: Sequence[OrgUnit], evaluation: Evaluation, flags: Mapping[int, bool], rules: RuleSet
) -> list[CommuneRow]:
    """Per commune, per standard: the level reached, its status and every level's status."""
    rows = []
    for commune in communes:
        cells = []
        for code, standard in rules.standards.items():
            result = evaluation.communes[commune.code][code]
            levels = tuple((lv, str(result.levels[lv].status)) for lv in standard.levels)
            status = MET if result.level else levels[0][1]
            cells.append(CommuneCell(code, result.level, status, levels))
        rows.append(CommuneRow(commune, flags.get(commune.pk, False), tuple(cells)))
    return rows


def district_summaries(
    evaluation: Evaluation, parents: Mapping[str, OrgUnit], rules: RuleSet
) -> list[DistrictSummary]:
    """Per unit directly above the communes: each standard and level's communes met."""
    summaries = []
    for code, per_standard in evaluation.districts.items():
        rows = tuple(
            SummaryRow(s, rules.standards[s].name, lv, d.met, d.of, d.share, str(d.status))
            for s, levels in per_standard.items()
            for lv, d in levels.items()
        )
        summaries.append(DistrictSummary(code, parents.get(code), rows))
    return summaries


# --- the statistical tables by birth year ----------------------------------------------------

BIRTH_YEAR_COLUMNS = (
    ("total", gettext_lazy("Persons counted")),
    ("female", gettext_lazy("of whom female")),
    ("disabled", gettext_lazy("Disabled, able to learn")),
    ("studying_preschool", gettext_lazy("Studying: preschool")),
    ("studying_primary", gettext_lazy("Studying: primary")),
    ("studying_lower_secondary", gettext_lazy("Studying: lower secondary")),
    ("studying_upper", gettext_lazy("Studying: upper secondary, continuing or vocational")),
    ("preschool_completed", gettext_lazy("Completed preschool")),
    ("primary_completed", gettext_lazy("Completed primary by the year")),
    ("diploma", gettext_lazy("Lower secondary diploma by the year")),
    ("literate1", gettext_lazy("Literate, level 1")),
    ("literate2", gettext_lazy("Literate, level 2")),
)
UPPER_STUDIES = ("upper_secondary", "continuing", "vocational")


def counted_q(rules: RuleSet, year: int) -> Q:
    """The rule set's counted persons aged 0 to 60: the tables also show the young children."""
    return queries.counted_q(rules) & Q(
        birth_year__gte=year - BIRTH_YEAR_SPAN, birth_year__lte=year
    )


def _column_filters(rules: RuleSet, year: int) -> dict[str, Q | None]:
    def q(condition: Mapping) -> Q:
        return predicates.to_q(condition, rules.literacy, year)

    return {
        "total": None,
        "female": Q(sex=Person.Sex.FEMALE),
        "disabled": Q(disability=Person.Disability.CAN_LEARN),
        "studying_preschool": Q(studying=Person.Studying.PRESCHOOL),
        "studying_primary": Q(studying=Person.Studying.PRIMARY),
        "studying_lower_secondary": Q(studying=Person.Studying.LOWER_SECONDARY),
        "studying_upper": Q(studying__in=UPPER_STUDIES),
        "preschool_completed": Q(preschool_completed=True),
        "primary_completed": q({"done": "primary_completed_year"}),
        "diploma": q({"done": "lower_secondary_diploma_year"}),
        "literate1": q({"literate": "1"}),
        "literate2": q({"literate": "2"}),
    }


def birth_year_counts(
    communes: Sequence[OrgUnit], year: int, rules: RuleSet
) -> dict[int, dict[int, dict[str, int]]]:
    """Per commune id, per birth year, every column's count: one grouped query."""
    aggregates = {
        key: Count("pk", filter=f) if f is not None else Count("pk")
        for key, f in _column_filters(rules, year).items()
    }
    rows = (
        Person.objects.filter(counted_q(rules, year), commune__in=[c.pk for c in communes])
        .values("commune_id", "birth_year")
        .annotate(**aggregates)
        .order_by()
    )
    counts: dict[int, dict[int, dict[str, int]]] = {}
    for row in rows:
        per_year = counts.setdefault(row.pop("commune_id"), {})
        per_year[row.pop("birth_year")] = row
    return counts


def sum_counts(parts: Iterable[Mapping[int, Mapping[str, int]]]) -> dict[int, dict[str, int]]:
    total: dict[int, dict[str, int]] = {}
    for part in parts:
        for birth_year, row in part.items():
            cell = total.setdefault(birth_year, dict.fromkeys(row, 0))
            for key, n in row.items():
                cell[key] += n
    return total


def birth_year_rows(counts: Mapping[int, Mapping[str, int]], year: int) -> list[list]:
    """One row per birth year (oldest first) with the age, then a total row."""
    keys = [key for key, _label in BIRTH_YEAR_COLUMNS]
    rows, total = [], dict.fromkeys(keys, 0)
    for birth_year in range(year - BIRTH_YEAR_SPAN, year + 1):
        row = counts.get(birth_year, {})
        rows.append([birth_year, year - birth_year] + [row.get(k, 0) for k in keys])
        for k in keys:
            total[k] += row.get(k, 0)
    rows.append(Unnumbered([_("Total"), ""] + [total[k] for k in keys]))
    return rows


# --- workbooks -------------------------------------------------------------------------------


def _heading(unit: OrgUnit, year: int, title: str) -> list[str]:
    """The sheet's title and the unit it covers (the title block adds the year)."""
    return [title, unit.name]


def form_heading(rules: RuleSet) -> list[str]:
    """The form's name in a statistical table's top right corner, as the register's workbook
    names the register, and the texts its tables follow."""
    return [_("Register of universalization of education and literacy"), rules.title]


def birth_year_sheets(
    unit: OrgUnit, communes: Sequence[OrgUnit], year: int, rules: RuleSet
) -> list[Sheet]:
    """One sheet per commune and, above a commune, a first sheet totalling them."""
    counts = birth_year_counts(communes, year, rules)
    title = _("Statistical table of universalization and literacy by birth year")
    columns = [(_("Birth year"), 10), (_("Age"), 7)] + [
        (str(label), 14) for _key, label in BIRTH_YEAR_COLUMNS
    ]

    counts_grouped = {index: "#,##0" for index in range(2, len(columns))}  # not the years

    def sheet(name: str, of: OrgUnit, per_year: Mapping[int, Mapping[str, int]]) -> Sheet:
        # The biểu as offices print it: form heading, STT, landscape one page wide with its
        # header on every page, the signature block after the table.
        rows = birth_year_rows(per_year, year)
        return Sheet(name, _heading(of, year, title), columns, rows, counts_grouped,
                     page=Page(LANDSCAPE), numbered=True, form=form_heading(rules),
                     signature=True)  # fmt: skip

    sheets = [sheet(c.code, c, counts.get(c.pk, {})) for c in communes]
    if len(communes) == 1 and communes[0] == unit:
        return sheets
    total = sheet(_("Total"), unit, sum_counts(counts.get(c.pk, {}) for c in communes))
    return [total, *sheets]


def commune_standards_sheet(unit: OrgUnit, year: int, rows: Sequence[StandardRow]) -> Sheet:
    columns = [
        (_("Standard"), 30), (_("Level"), 7), (_("Level status"), 14), (_("Condition"), 50),
        (_("Ages"), 8), (_("Numerator"), 11), (_("Denominator"), 11), (_("Rate (%)"), 10),
        (_("Threshold"), 10), (_("Condition status"), 14), (_("Rule applied"), 30),
    ]  # fmt: skip
    sheet = Sheet(unit.code, _heading(unit, year, _("Universalization and literacy standards")),
                  columns, number_formats={5: "#,##0", 6: "#,##0"},
                  page=Page(LANDSCAPE))  # fmt: skip
    for standard in rows:
        for level in standard.levels:
            head = [standard.name, int(level.code), str(STATUS_LABELS[level.status])]
            for c in level.conditions:
                sheet.rows.append(head + [
                    c.name, f"{c.ages[0]}-{c.ages[1]}", c.num, c.den, xlsx.percent(c.percent),
                    xlsx.percent(c.minimum, 0, "≥ "), str(STATUS_LABELS[c.status]), level.cite,
                ])  # fmt: skip
            for p in level.requires:
                required = _("Requires %(name)s, level %(level)s") % {
                    "name": p.name, "level": p.level}  # fmt: skip
                sheet.rows.append(head + [required, "", None, None, None, "",
                                          str(STATUS_LABELS[p.status]), level.cite])  # fmt: skip
    return sheet


def units_standards_sheets(
    unit: OrgUnit, year: int, rows: Sequence[CommuneRow], summaries: Sequence[DistrictSummary],
    rules: RuleSet,
) -> list[Sheet]:  # fmt: skip
    """Communes by standard (level reached and each level's status), then the summaries."""
    title = _("Universalization and literacy standards")
    columns = [(_("Code"), 10), (_("Commune"), 28), (_("Especially disadvantaged"), 12)]
    for standard in rules.standards.values():
        columns.append((_("%(standard)s: level reached") % {"standard": standard.name}, 16))
        for lv in standard.levels:
            label = _("%(standard)s, level %(level)s") % {"standard": standard.name, "level": lv}
            columns.append((label, 14))
    communes = Sheet(_("Communes"), _heading(unit, year, title), columns, page=Page(LANDSCAPE))
    for row in rows:
        values = [row.unit.code, row.unit.name, _("Yes") if row.disadvantaged else _("No")]
        for cell in row.cells:
            values.append(cell.level)
            values += [str(STATUS_LABELS[status]) for _lv, status in cell.levels]
        communes.rows.append(values)
    summary_columns = [
        (_("Unit"), 28), (_("Standard"), 30), (_("Level"), 7), (_("Communes met"), 12),
        (_("Communes counted"), 12), (_("Required share"), 12), (_("Status"), 14),
    ]  # fmt: skip
    summary = Sheet(_("Summary"), _heading(unit, year, title), summary_columns,
                    number_formats={3: "#,##0", 4: "#,##0"}, page=Page(PORTRAIT))  # fmt: skip
    for s in summaries:
        name = s.unit.name if s.unit else s.code
        for r in s.rows:
            summary.rows.append([name, r.name, int(r.level), r.met, r.of,
                                 xlsx.percent(r.share, 0, "≥ "),
                                 str(STATUS_LABELS[r.status])])  # fmt: skip
    return [communes, summary]


# --- persons ---------------------------------------------------------------------------------


def _yes_no(value: bool | None) -> str:
    return "" if value is None else str(_("Yes") if value else _("No"))


PERSON_COLUMNS = (
    (gettext_lazy("Household"), 12, lambda p: p.household.code),
    (gettext_lazy("Village"), 18, lambda p: p.household.village),
    (gettext_lazy("Person id"), 12, lambda p: p.code),
    (gettext_lazy("Full name"), 26, lambda p: p.full_name),
    (gettext_lazy("Sex"), 7, lambda p: p.get_sex_display()),
    (gettext_lazy("Birth year"), 10, lambda p: p.birth_year),
    (gettext_lazy("Residence"), 16, lambda p: p.get_residence_display()),
    (gettext_lazy("Disability"), 18, lambda p: p.get_disability_display()),
    (gettext_lazy("Studying"), 18, lambda p: p.get_studying_display()),
    (gettext_lazy("Completed preschool"), 11, lambda p: _yes_no(p.preschool_completed)),
    (gettext_lazy("Entered grade 1"), 10, lambda p: p.grade1_entry_year),
    (gettext_lazy("Completed primary"), 10, lambda p: p.primary_completed_year),
    (gettext_lazy("Lower secondary diploma"), 10, lambda p: p.lower_secondary_diploma_year),
    (gettext_lazy("Highest grade completed"), 10, lambda p: p.highest_grade_completed),
    (gettext_lazy("Literacy stage completed"), 10, lambda p: p.literacy_stage_completed),
)


def persons_sheet(unit: OrgUnit, year: int, title: str, persons: QuerySet[Person]) -> Sheet:
    """The persons, streamed from the database into the workbook (never a list of them):
    15 columns, landscape, fitted to the page's width."""
    columns = [(str(label), width) for label, width, _get in PERSON_COLUMNS]
    rows = ([get(p) for _l, _w, get in PERSON_COLUMNS] for p in persons.iterator(chunk_size=2000))
    return Sheet(unit.code, _heading(unit, year, title), columns, rows, page=Page(LANDSCAPE))


def register_updated(communes: Sequence[OrgUnit]):
    """When the register of these communes last changed (None when it holds nobody): the
    statistical tables are counted from it as it stands."""
    return Person.objects.filter(commune__in=[c.pk for c in communes]).aggregate(
        latest=Max("updated_at")
    )["latest"]
