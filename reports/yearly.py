"""The yearly report of a plan: the outline, the narrative draft from the data, and the composed
document with the snapshot of the data behind it (reference: report-layout-nd30.md §10)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.documents import Annex, Block, Document, Heading, Paragraph, Part, annex_number
from core.templatetags.xhht import vn_date
from indicators.models import DataValue
from plans.models import Plan
from plans.queries import plans_for_unit
from units.maps import Map
from units.models import OrgUnit

from . import parts as registry
from .letterhead import (
    ANNEX,
    PLAN_KIND_WORDS,
    REPORT,
    Letterhead,
    default_letterhead,
    is_body,
    letterhead_for,
)

# The report is an official Vietnamese text sent to a Vietnamese authority: it is written
# in Vietnamese whatever language the person drafting it reads the site in.
DOCUMENT_LANGUAGE = "vi"

NARRATIVE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("direction", gettext_lazy("Direction and organisation")),
    ("tasks", gettext_lazy("Results of the tasks and solutions")),
    ("funding", gettext_lazy("Funding")),
    ("assessment", gettext_lazy("General assessment")),
    ("next_year", gettext_lazy("Direction and tasks for next year")),
    ("recommendations", gettext_lazy("Proposals and recommendations")),
)


@dataclass(frozen=True)
class Section:
    """A section of the outline: its narrative (written in XHHT) first, then the parts."""

    key: str
    narrative: str | None
    parts: tuple[str, ...] = ()
    offices_only: bool = False  # a body's short report has no section of figures


OUTLINE = (
    Section("direction", "direction"),
    Section("results", None, ("completeness", "targets", "pcgd"), offices_only=True),
    Section("tasks", "tasks", ("tasks",)),
    Section("funding", "funding"),
    Section("assessment", "assessment"),
    Section("next_year", "next_year"),
    Section("recommendations", "recommendations"),
)
# Parts that get a heading of their own inside their section (targets bring the plan's groups).
PART_HEADINGS = {"pcgd": gettext_lazy("Universal education and literacy (PCGD-XMC)")}


class NotReporting(ValueError):
    """The unit does not report on the plan (the plan is neither its own nor one above it)."""


@dataclass
class Composed:
    document: Document
    snapshot: dict


def _title(section: Section, year: int) -> str:
    if section.key == "results":
        return _("Results against the targets")
    if section.key == "next_year":
        return _("Direction and tasks for %(year)s") % {"year": year + 1}
    return str(dict(NARRATIVE_SECTIONS)[section.key])


def outline(unit: OrgUnit) -> list[Section]:
    """The full outline for an administrative unit; a body's short one has no figures."""
    return [s for s in OUTLINE if not (s.offices_only and is_body(unit))]


def require_reporting(plan: Plan, unit: OrgUnit) -> None:
    """Refuse a unit the plan does not apply to (the API's rule: plans_for_unit)."""
    if not plans_for_unit(unit).filter(pk=plan.pk).exists():
        raise NotReporting(
            _("%(unit)s does not report on plan %(plan)s.")
            % {"unit": unit.name, "plan": plan.number}
        )


def _parts(plan: Plan, unit: OrgUnit, year: int, map: Map) -> dict[str, Part]:
    keys = [key for section in outline(unit) for key in section.parts]
    return registry.build(keys, plan, unit, year, map=map)


def draft_narrative(plan: Plan, unit: OrgUnit, year: int, map: Map = Map.AS_WAS) -> dict[str, str]:
    """Each narrative section's draft, from the data (the office edits it before issuing)."""
    require_reporting(plan, unit)
    with translation.override(DOCUMENT_LANGUAGE):
        return _draft(plan, unit, year, _parts(plan, unit, year, map))


def _plan_reference(plan: Plan) -> str:
    kind = PLAN_KIND_WORDS.get(plan.kind, PLAN_KIND_WORDS["plan"])
    return _("%(kind)s No. %(number)s of %(date)s of the %(issuer)s") % {
        "kind": kind,
        "number": plan.number,
        "date": vn_date(plan.issued_on),
        "issuer": plan.issuer,
    }


def _draft(plan: Plan, unit: OrgUnit, year: int, parts: Mapping[str, Part]) -> dict[str, str]:
    def summary(*keys: str) -> list[str]:
        return [line for key in keys if key in parts for line in parts[key].summary]

    direction = [
        _("In %(year)s, %(unit)s carried out %(plan)s.")
        % {
            "year": year,
            "unit": default_letterhead(unit, year).issuer_name,
            "plan": _plan_reference(plan),
        }  # fmt: skip
    ]
    rounds = parts["tasks"].provenance.get("rounds", []) if "tasks" in parts else []
    if rounds:
        direction.append(
            _("Reporting rounds opened for the year: %(list)s.")
            % {"list": ", ".join(code for code, _status in rounds)}
        )
    funding = [f"- {source.text.rstrip('.;')}." for source in plan.budget_sources.order_by("order")]
    if funding:
        funding.insert(0, _("Funding as the plan provides:"))
    else:
        funding = [_("The plan's data names no source of funding.")]
    behind = [
        f"{row['clause']} ({row['shown']})"
        for key, row in (parts["targets"].figures.items() if "targets" in parts else ())
        if "@" not in key and row["status"] in ("not_met", "at_risk")
    ]
    next_year = [
        _("Keep carrying out the plan's tasks and targets in %(year)s.") % {"year": year + 1}
    ]
    if behind:
        next_year.append(
            _("Focus on the targets not yet met: %(list)s.") % {"list": "; ".join(behind)}
        )
    recommendations = (
        [_("Support the targets not yet met: %(list)s.") % {"list": "; ".join(behind)}]
        if behind
        else [_("No recommendation.")]
    )
    return {
        "direction": "\n".join(direction),
        "tasks": "\n".join(summary("tasks")),
        "funding": "\n".join(funding),
        # A body's short report has no figures: its assessment starts from its duties.
        "assessment": "\n".join(summary("targets", "pcgd", "completeness") or summary("tasks")),
        "next_year": "\n".join(next_year),
        "recommendations": "\n".join(recommendations),
    }


def _paragraphs(text: str) -> list[Block]:
    return [Paragraph(line.strip()) for line in (text or "").splitlines() if line.strip()]


def _values(parts: Mapping[str, Part], key: str) -> list:
    return [item for part in parts.values() for item in part.provenance.get(key, [])]


def _is_demo() -> bool:
    """The instance holds demo figures (the flag every page's banner reads)."""
    return DataValue.objects.filter(source=DataValue.Source.DEMO).exists()


def compose(
    plan: Plan,
    unit: OrgUnit,
    year: int,
    *,
    narrative: Mapping[str, str] | None = None,
    letterhead: Letterhead | None = None,
    map: Map = Map.AS_WAS,
) -> Composed:
    """The yearly report of `unit` on `plan` for `year`, from approved data, and its snapshot."""
    require_reporting(plan, unit)
    with translation.override(DOCUMENT_LANGUAGE):
        return _compose(plan, unit, year, narrative, letterhead, Map(map))


def _compose(plan, unit, year, narrative, letterhead, map: Map) -> Composed:
    generated = timezone.now()
    parts = _parts(plan, unit, year, map)
    texts = _draft(plan, unit, year, parts) | dict(narrative or {})
    if letterhead is None:
        letterhead = letterhead_for(plan, unit, year)
    values = _values(parts, "values")
    approved = max((v[2] for v in values), default=None)
    approved_day = datetime.datetime.fromisoformat(approved).date() if approved else None
    annexes: list[Annex] = []
    labels: dict[str, list[str]] = {}
    for key in ("targets", "pcgd", "tasks"):
        for annex in parts[key].annexes if key in parts else ():
            labels.setdefault(key, []).append(f"{ANNEX} {annex_number(len(annexes))}")
            annexes.append(annex)
    body: list[Block] = [Paragraph(_opening(plan, letterhead, year))]
    for section in outline(unit):
        body.append(Heading(_title(section, year), 1))
        if section.narrative:
            body.extend(_paragraphs(texts.get(section.narrative, "")))
        if section.key == "results":
            body.append(Paragraph(_data_note(approved_day, year, map), note=True))
        for key in section.parts:
            part = parts[key]
            if not part.blocks:
                continue
            if key in PART_HEADINGS:
                body.append(Heading(str(PART_HEADINGS[key]), 2))
            body.extend(part.blocks)
            if labels.get(key):
                details = _("Details in %(annexes)s.") % {"annexes": ", ".join(labels[key])}
                body.append(Paragraph(details, note=True))
    kind = PLAN_KIND_WORDS.get(plan.kind, PLAN_KIND_WORDS["plan"])
    body.append(Paragraph(
        _("This is the report of %(issuer)s on the results of implementing %(kind)s No. "
          "%(number)s in %(year)s.") % {"issuer": letterhead.issuer_name, "kind": kind,
                                        "number": plan.number, "year": year}
    ))  # fmt: skip
    demo = _is_demo()
    document = Document(
        letterhead=letterhead,
        kind=REPORT,
        subject=_("Results of implementing %(kind)s No. %(number)s in %(year)s")
        % {"kind": kind, "number": plan.number, "year": year},
        body=body,
        annexes=annexes,
        notes=[_("Illustrative figures (synthetic demo data), not real statistics.")]
        if demo
        else [],
        demo=demo,
    )
    snapshot = {
        "generated_at": generated.isoformat(),
        "approved_through": approved_day.isoformat() if approved_day else None,
        "plan": plan.code,
        "unit": unit.code,
        "year": year,
        "map": str(map),
        "demo": demo,
        "figures": {key: part.figures for key, part in parts.items()},
        "values": values,
        "rule_sets": _values(parts, "rule_sets"),
        "rounds": _values(parts, "rounds"),
    }
    return Composed(document, snapshot)


def _opening(plan: Plan, letterhead: Letterhead, year: int) -> str:
    return _("Implementing %(plan)s, %(issuer)s reports its results in %(year)s as follows:") % {
        "plan": _plan_reference(plan),
        "issuer": letterhead.issuer_name,
        "year": year,
    }


def _data_note(approved: datetime.date | None, year: int, map: Map) -> str:
    if approved is None:
        return _("No approved figure of %(year)s is held for the plan's targets.") % {"year": year}
    return _(
        "Figures from the data approved as of %(day)s (administrative map: %(map)s); where "
        "some units have not reported, the status says how many did."
    ) % {"day": vn_date(approved), "map": map.label}
