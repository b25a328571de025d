"""The yearly report's PCGD-XMC part: each standard's level per commune, the districts'
summaries and the main rates, from the register through the standards engine (plain blocks).

The same function as the PCGD-XMC page and /api/v1/pcgd/standards/ (queries.unit_standards).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.documents import Annex, Paragraph, Part, Table
from core.templatetags.xhht import DASH, vn_number
from units.models import OrgUnit

from .queries import current_rules, parents_of, unit_standards, with_register
from .rules import RuleSet
from .standards import MET, UNDETERMINED
from .tables import STATUS_LABELS, CommuneRow, commune_rows, district_summaries


def level_text(level: int, status: str) -> str:
    """ "Mức độ 2"; "Chưa đạt" or "Chưa xác định" when no level is reached."""
    if level:
        return _("Level %(level)s") % {"level": level}
    return str(STATUS_LABELS.get(status, status))


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def standard_sentence(code: str, rules: RuleSet, rows: list[CommuneRow]) -> str:
    """ "Xóa mù chữ: 11/12 xã đạt mức độ 1, 10/12 đạt mức độ 2; chưa đạt: xã Hiền Hào." """
    standard = rules.standards[code]
    total = len(rows)
    cells = [(row.unit, next(c for c in row.cells if c.standard == code)) for row in rows]
    reached = [
        _("%(met)s/%(total)s communes reach level %(level)s")
        % {"met": sum(1 for _u, c in cells if c.level >= int(lv)), "total": total, "level": lv}
        for lv in standard.levels
    ]
    text = f"{standard.name}: {', '.join(reached)}"
    # Each commune is named once, at the first level it does not reach, with that level's
    # status: not met, or undetermined (no register data for a condition).
    stopped: dict[tuple[str, str], list[str]] = {}
    for unit, cell in cells:
        statuses = dict(cell.levels)
        codes = list(statuses)
        if cell.level < len(codes):
            level = codes[cell.level]
            stopped.setdefault((level, statuses[level]), []).append(_lower_first(unit.name))
    for (level, status), names in sorted(stopped.items()):
        if status == UNDETERMINED:
            message = _("level %(level)s undetermined (no register data): %(list)s")
        else:
            message = _("level %(level)s not met: %(list)s")
        text += "; " + message % {"level": level, "list": ", ".join(names)}
    return text + "."


def _levels_table(rules: RuleSet, rows: list[CommuneRow], before: dict, year: int) -> Table:
    """Biểu 4: per commune, each standard's level last year and this year."""
    columns = [_("Item no."), _("Commune")]
    for standard in rules.standards.values():
        columns += [f"{standard.name} ({year - 1})", f"{standard.name} ({year})"]
    body = []
    for index, row in enumerate(rows, start=1):
        cells = [str(index), row.unit.name]
        for cell in row.cells:
            earlier = before.get((row.unit.code, cell.standard))
            cells += [
                level_text(*earlier) if earlier else DASH,
                level_text(cell.level, cell.status),
            ]
        body.append(tuple(cells))
    widths = (5, 16, *([10] * (len(columns) - 2)))
    return Table(tuple(columns), tuple(body), widths=widths)


def _rates_table(rules: RuleSet, evaluation, rows: list[CommuneRow]) -> Table:
    """The main rate of each standard (its first level's first condition) per commune."""
    main = []
    for code, standard in rules.standards.items():
        first = next(iter(standard.levels.values()))
        if first.conditions:
            name = first.conditions[0].rate
            main.append((code, standard.rates[name], name))
    columns = (_("Item no."), _("Commune"), *(rules.rates[rate].name for _c, rate, _n in main))
    body = []
    for index, row in enumerate(rows, start=1):
        cells = [str(index), row.unit.name]
        results = evaluation.communes[row.unit.code]
        for code, rate, _name in main:
            count = results[code].rates.get(rate)
            cells.append(
                f"{vn_number(count.num * 100 / count.den, 1)}% "
                f"({vn_number(count.num)}/{vn_number(count.den)})"
                if count and count.den
                else DASH
            )
        body.append(tuple(cells))
    return Table(columns, tuple(body), widths=(5, 16, *([14] * len(main))))


def standards_part(plan, unit: OrgUnit, year: int, *, map=None) -> Part:
    """PCGD-XMC in section II and Biểu 4: the communes the unit covers in `year`."""
    rules = current_rules()
    part = Part("pcgd")
    part.provenance["rule_sets"] = [[rules.code, rules.version]]
    found = unit_standards(unit, year, rules)
    communes = found.communes
    if not communes:
        return part
    registered = with_register(communes)
    if not registered:
        part.blocks.append(Paragraph(
            _("The PCGD-XMC register holds no person in the %(count)s communes for %(year)s: "
              "the standards are not evaluated from the register.")
            % {"count": len(communes), "year": year}
        ))  # fmt: skip
        part.summary.append(_("No PCGD-XMC register data for %(year)s.") % {"year": year})
        return part
    rows = commune_rows(communes, found.evaluation, found.flags, rules)
    previous = unit_standards(unit, year - 1, rules)
    before = {
        (c.unit.code, cell.standard): (cell.level, cell.status)
        for c in commune_rows(previous.communes, previous.evaluation, previous.flags, rules)
        for cell in c.cells
    }
    if len(registered) < len(communes):
        part.blocks.append(Paragraph(
            _("The register holds data of %(with)s of the %(count)s communes; the others are "
              "counted as undetermined.") % {"with": len(registered), "count": len(communes)}
        ))  # fmt: skip
    sentences = [standard_sentence(code, rules, rows) for code in rules.standards]
    part.blocks.extend(Paragraph(s) for s in sentences)
    part.summary.extend(sentences)
    parents = {p.code: p for p in parents_of(communes)}
    for summary in district_summaries(found.evaluation, parents, rules):
        name = summary.unit.name if summary.unit else summary.code
        highest: dict[str, tuple[str, str]] = {}  # standard -> (name, highest level met)
        for r in summary.rows:
            if r.status == MET:
                highest[r.standard] = (r.name, r.level)
        met = [
            _("%(standard)s, level %(level)s") % {"standard": name, "level": level}
            for name, level in highest.values()
        ]
        text = (_("%(unit)s meets: %(list)s.") % {"unit": name, "list": "; ".join(met)} if met
                else _("%(unit)s meets no standard yet.") % {"unit": name})  # fmt: skip
        part.blocks.append(Paragraph(text))
        part.summary.append(text)
        for r in summary.rows:
            part.figures[f"{summary.code}:{r.standard}:{r.level}"] = {
                "met": r.met, "of": r.of, "share": r.share, "status": r.status,
            }  # fmt: skip
    for row in rows:
        for cell in row.cells:
            part.figures[f"{row.unit.code}:{cell.standard}"] = {
                "level": cell.level, "status": cell.status,
            }  # fmt: skip
    annex = Annex(
        _("PCGD-XMC status by commune, %(year)s") % {"year": year},
        (
            _levels_table(rules, rows, before, year),
            Paragraph(_("Main rates, %(year)s (persons counted / cohort):") % {"year": year}),
            _rates_table(rules, found.evaluation, rows),
            Paragraph(_("Rule set: %(title)s, version %(version)s.")
                      % {"title": rules.title, "version": rules.version}, note=True),
        ),
    )  # fmt: skip
    part.annexes.append(annex)
    return part
