"""Write paths of yearly reports: save a draft, issue it under the next number of its register.

Every path checks the actor's scope (units.access): the office of the unit that owns the plan
(role "approve") writes and issues the unit's full report; a body or commune under it (role
"enter_data") writes and sends up its own short report. Saves check the version the person
started from; issuing stores the exact .docx and the data snapshot behind it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import nfc
from plans.models import Plan
from reports.docx import render
from reports.letterhead import Letterhead, Signer, letterhead_for
from reports.yearly import NARRATIVE_SECTIONS, compose, draft_narrative
from units.access import can
from units.models import OrgUnit

from .models import AUTHORITY_PREFIXES, IssuedReport, RegisterCounter, ReportDraft

TEXT_FIELDS = ("parent_name", "issuer_name", "symbol", "place", "filing", "signer_name",
               "signer_position", "signer_host_position")  # fmt: skip
LIST_FIELDS = ("recipients", "copies_to", "signer_authority")
# "BC-UBND", "BC-BCĐ", "BC-GD&ĐT": the type code, then the body's abbreviation in capitals
# (Vietnamese ones too), joined by "-" without spaces (NĐ 30, Phụ lục I and III).


def is_symbol(symbol: str) -> bool:
    parts = symbol.split("-")
    return (
        len(parts) >= 2
        and parts[0] == "BC"
        and all(p and p == p.upper() and re.fullmatch(r"[\w&]+", p) and "_" not in p
                for p in parts)
    )  # fmt: skip


class ReportRefused(Exception):
    """A step that was not taken: the message is for the user, `errors` names the fields at
    fault, `stale` says someone else saved the draft since the person loaded it."""

    def __init__(self, message: str, errors: Mapping[str, str] | None = None, *, stale=False):
        super().__init__(message)
        self.errors = dict(errors or {})
        self.stale = stale


class NotAllowed(ReportRefused):
    """The actor may not do this for this unit (pages and API answer 404)."""


def is_office_report(plan: Plan, unit: OrgUnit) -> bool:
    """The full report of the office that owns the plan (or of a unit that stands for it),
    rather than the short report of a body or commune under it."""
    owner = plan.owner
    return not (unit.path.startswith(owner.path) and unit.pk != owner.pk)


def edit_action(plan: Plan, unit: OrgUnit) -> str:
    return "approve" if is_office_report(plan, unit) else "enter_data"


def may_edit(user, plan: Plan, unit: OrgUnit) -> bool:
    return can(user, edit_action(plan, unit), unit)


def _require(actor, plan: Plan, unit: OrgUnit) -> None:
    if not may_edit(actor, plan, unit):
        raise NotAllowed(_("You may not do this for this unit."))


# --- drafts -----------------------------------------------------------------------------


def defaults(plan: Plan, unit: OrgUnit, year: int) -> dict:
    """A new draft's fields: the letterhead built from the unit and the plan (a steering
    committee reporting on its own plan issues in its own series), the narrative from the
    data, and (for a short report) the office above as its recipient."""
    head = letterhead_for(plan, unit, year)
    signer = head.signer or Signer("", "")
    recipients = list(head.recipients)
    if not recipients and not is_office_report(plan, unit):
        recipients = [plan.owner.name]
    return {
        "narrative": draft_narrative(plan, unit, year),
        "parent_name": head.parent_name or "",
        "issuer_name": head.issuer_name or "",
        "symbol": head.symbol or "",
        "place": head.place or "",
        "filing": head.filing or "",
        "recipients": recipients,
        "copies_to": list(head.copies_to),
        "signer_name": signer.name,
        "signer_authority": list(signer.authority),
        "signer_position": signer.position,
        "signer_host_position": signer.host_position,
    }


def draft_for(plan: Plan, unit: OrgUnit, year: int) -> ReportDraft:
    """The saved draft, or an unsaved one (version 0) holding the defaults."""
    draft = ReportDraft.objects.filter(plan=plan, unit=unit, year=year).first()
    if draft is None:
        draft = ReportDraft(plan=plan, unit=unit, year=year, **defaults(plan, unit, year))
    return draft


def _clean_text(value) -> str:
    return nfc(str(value or "")).strip()


def _clean_lines(value) -> list[str]:
    """One recipient (or authority) per item or line, without the "- " and the ";" or "."
    the layout adds around it."""
    if isinstance(value, str):
        value = value.splitlines()
    lines = []
    for item in value or ():
        text = _clean_text(item)
        text = re.sub(r"^[-–•]\s*", "", text).rstrip(";.").strip()
        if text:
            lines.append(text)
    return lines


@dataclass
class DraftChanges:
    """What a form or a script asks to change. A field that is absent, or blank without being
    in `cleared`, keeps its saved value: only a deliberate clear erases one."""

    fields: dict[str, object] = field(default_factory=dict)
    narrative: dict[str, str] = field(default_factory=dict)
    cleared: frozenset[str] = frozenset()  # field names, and "narrative.<key>"


def _check(values: Mapping[str, object]) -> dict[str, str]:
    errors = {}
    symbol = values.get("symbol") or ""
    if symbol and not is_symbol(symbol):
        errors["symbol"] = _(
            "Write the symbol as BC- then the body's abbreviation, in capitals, without "
            "spaces: BC-UBND, BC-BCĐ."
        )
    prefixes = ", ".join(AUTHORITY_PREFIXES)
    for line in values.get("signer_authority") or ():
        if not line.startswith(AUTHORITY_PREFIXES):
            errors["signer_authority"] = _(
                "Each authority line starts with one of %(prefixes)s (e.g. “TM. ỦY BAN NHÂN "
                "DÂN”, “KT. CHỦ TỊCH”)."
            ) % {"prefixes": prefixes}
    return errors


def _merged(draft: ReportDraft, changes: DraftChanges) -> dict[str, object]:
    """The draft's fields after the changes, by the rule of DraftChanges."""
    values: dict[str, object] = {}
    for name in TEXT_FIELDS + LIST_FIELDS:
        current = getattr(draft, name)
        if name not in changes.fields:
            values[name] = current
            continue
        raw = changes.fields[name]
        new = _clean_lines(raw) if name in LIST_FIELDS else _clean_text(raw)
        if name == "signer_authority":
            new = [line.upper() for line in new]
        if name == "symbol":
            new = str(new).upper().replace(" ", "")
        values[name] = new if (new or name in changes.cleared) else current
    narrative = dict(draft.narrative)
    known = {key for key, _title in NARRATIVE_SECTIONS}
    for key, raw in changes.narrative.items():
        if key not in known:
            continue
        text = nfc(str(raw or "")).strip()
        if text or f"narrative.{key}" in changes.cleared:
            narrative[key] = text
    values["narrative"] = narrative
    return values


def _locked_draft(plan: Plan, unit: OrgUnit, year: int) -> ReportDraft:
    """The draft row, locked for this transaction, or a new unsaved one holding the defaults."""
    found = ReportDraft.objects.select_for_update().filter(plan=plan, unit=unit, year=year).first()
    return found if found is not None else draft_for(plan, unit, year)


def _stale() -> ReportRefused:
    return ReportRefused(
        _(
            "Someone else saved this report since you opened it; your changes were not saved. "
            "Their text is shown below yours: compare, then save again."
        ),
        stale=True,
    )


@transaction.atomic
def save_draft(
    plan: Plan, unit: OrgUnit, year: int, changes: DraftChanges, *, actor,
    expected_version: int | None = None,
) -> ReportDraft:  # fmt: skip
    """Save the draft's changes, if nobody saved since `expected_version` (None: no check)."""
    _require(actor, plan, unit)
    draft = _locked_draft(plan, unit, year)
    values = _merged(draft, changes)
    errors = _check(values)
    if errors:
        raise ReportRefused(_("The report was not saved: correct the fields marked."), errors)
    if expected_version is not None and draft.version != expected_version:
        raise _stale()
    for name, value in values.items():
        setattr(draft, name, value)
    draft.version += 1
    draft.updated_by = actor
    draft._history_user = actor
    draft._change_reason = _("Version %(version)s") % {"version": draft.version}
    if draft.pk is not None:
        draft.save()
        return draft
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError:
        # Another first save made the row meanwhile: this one started from no version.
        raise _stale() from None
    return draft


# --- issuing ----------------------------------------------------------------------------


def letterhead_of(draft: ReportDraft, *, number=None, issued_on=None) -> Letterhead:
    """The letterhead of the draft (a blank number and date until it is issued)."""
    signer = None
    if draft.signer_name:
        signer = Signer(
            draft.signer_name, draft.signer_position, tuple(draft.signer_authority),
            host_position=draft.signer_host_position,
        )  # fmt: skip
    base = letterhead_for(draft.plan, draft.unit, draft.year)
    return Letterhead(
        draft.parent_name, draft.issuer_name or base.issuer_name, draft.symbol or base.symbol,
        draft.place or base.place, number=number, issued_on=issued_on,
        recipients=tuple(draft.recipients), copies_to=tuple(draft.copies_to),
        filing=draft.filing or base.filing, signer=signer,
    )  # fmt: skip


def take_number(unit: OrgUnit, symbol: str, year: int) -> int:
    """The next number of the series (unit, symbol, year), inside the caller's transaction.

    The UPDATE locks the counter row until the transaction ends, on PostgreSQL as on SQLite
    (whose IMMEDIATE transactions serialise writers), so two issues never get one number; a
    first issue of the year creates the row, and a concurrent creator meets the unique
    constraint and then the row. A number already used (a counter an administrator lowered)
    is skipped: the unique constraint of issued reports stays the last word."""
    try:
        with transaction.atomic():
            RegisterCounter.objects.get_or_create(unit=unit, symbol=symbol, year=year)
    except IntegrityError:
        pass
    counter = RegisterCounter.objects.filter(unit=unit, symbol=symbol, year=year)
    while True:
        counter.update(last_number=F("last_number") + 1)
        number = counter.values_list("last_number", flat=True).get()
        taken = IssuedReport.objects.filter(
            unit=unit, symbol=symbol, register_year=year, number=number
        )
        if not taken.exists():
            return number


def _draft_data(draft: ReportDraft) -> dict:
    data = {name: getattr(draft, name) for name in TEXT_FIELDS + LIST_FIELDS}
    return data | {"narrative": draft.narrative, "version": draft.version}


def missing_for_issue(draft: ReportDraft) -> dict[str, str]:
    """Fields a report cannot be issued without (NĐ 30 Đ8: issuer, number's symbol, signer)."""
    required = _("Required before the report is issued.")
    missing = {}
    for name in ("issuer_name", "symbol", "signer_name", "signer_position"):
        if not getattr(draft, name):
            missing[name] = required
    if not draft.recipients:
        missing["recipients"] = required
    return missing


@transaction.atomic
def issue(
    plan: Plan, unit: OrgUnit, year: int, *, actor, expected_version: int | None = None
) -> IssuedReport:
    """Issue the saved draft: the next number of its register for this year, the document
    composed from today's approved data, its bytes and snapshot kept for good."""
    _require(actor, plan, unit)
    draft = ReportDraft.objects.select_for_update().filter(plan=plan, unit=unit, year=year).first()
    if draft is None:
        raise ReportRefused(_("Save the draft before issuing the report."))
    if expected_version is not None and draft.version != expected_version:
        raise ReportRefused(
            _("Someone saved this report since you opened it; read it again before issuing."),
            stale=True,
        )
    missing = missing_for_issue(draft)
    if missing:
        raise ReportRefused(_("The report was not issued: fill in the fields marked."), missing)
    now = timezone.now()
    today = timezone.localdate(now)
    number = take_number(unit, draft.symbol, today.year)
    head = letterhead_of(draft, number=number, issued_on=today)
    composed = compose(plan, unit, year, narrative=draft.narrative, letterhead=head)
    data = render(composed.document)
    try:
        with transaction.atomic():
            return IssuedReport.objects.create(
                draft=draft, plan=plan, unit=unit, year=year, symbol=draft.symbol,
                register_year=today.year, number=number, issuer_name=head.issuer_name,
                issued_on=today, issued_at=now, issued_by=actor, docx=data,
                sha256=hashlib.sha256(data).hexdigest(), snapshot=composed.snapshot,
                draft_data=_draft_data(draft),
            )  # fmt: skip
    except IntegrityError as error:  # pragma: no cover - the counter's lock prevents it
        raise ReportRefused(_("The number was taken meanwhile; issue the report again.")) from error
