"""The only write path of applications for recognition: register, self-assess, review, submit,
check, council, decide (TT 25/2023 Điều 9, 14, 19; TT 24/2023 Điều 10, 16).

Every step checks the actor's scope (units.access: the applicant's side needs "enter_data" on
the unit, the office's side "approve" on the deciding office; outside it, Http404), the
application's status and, where the user edits, the version they started from. History rows
name the actor and the step.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from collection.tasks import EVIDENCE_KINDS, MAX_EVIDENCE_BYTES
from core.numbers import NotANumber, parse_number
from core.templatetags.xhht import vn_date
from core.text import nfc
from core.uploads import UploadRefused, check_upload
from units.access import can
from units.models import OrgUnit

from . import criteria, engine, prefill, publishing
from .models import Answer, Application, Council, CouncilMember, Decision, Evidence, ReviewMeeting

Status = Application.Status
# The applicant may change its self-assessment while the dossier is with it.
EDITABLE = (Status.REGISTERED, Status.REVIEWED, Status.RETURNED)
WITHDRAWABLE = (Status.REGISTERED, Status.REVIEWED, Status.RETURNED, Status.SUBMITTED)
MIN_COUNCIL = 5


class RecognitionError(Exception):
    """A step that was not taken; the message is for the user. `items` lists indicator codes
    at fault where there are some (the form marks them)."""

    def __init__(self, message: str, items: Iterable[str] = ()):
        super().__init__(message)
        self.items = list(items)


class StaleVersion(RecognitionError):
    """Someone else changed the application since the page was loaded."""


class NotAllowed(Http404):
    """The actor may not act on this application: pages answer 404, as for a unit outside
    their scope, so that nobody learns what lies outside it."""


# --- scope and permissions --------------------------------------------------------------


def _require(actor, action: str, unit: OrgUnit) -> None:
    if not can(actor, action, unit):
        raise NotAllowed


def _applicant(actor, app: Application) -> None:
    _require(actor, "enter_data", app.unit)


def _office(actor, app: Application) -> None:
    _require(actor, "approve", app.office)


# What each action of `may` needs: the side (scope) and the statuses it is taken from.
ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "edit": ("applicant", EDITABLE),
    "submit": ("applicant", (Status.REVIEWED, Status.RETURNED)),
    "withdraw": ("applicant", WITHDRAWABLE),
    "review": ("office", (Status.SUBMITTED, Status.IN_COUNCIL)),
    "return": ("office", (Status.SUBMITTED,)),
    "council": ("office", (Status.SUBMITTED,)),
    "opinion": ("office", (Status.IN_COUNCIL,)),
    "decide": ("office", (Status.IN_COUNCIL,)),
}


def may(user, action: str, app: Application) -> bool:
    """Whether `user` may take `action` on `app` now: "view" by scope of either side; the
    others by scope and by the application's status (a page shows only the steps open)."""
    if action == "view":
        return can(user, "view", app.unit) or can(user, "view", app.office)
    side, statuses = ACTIONS[action]
    if app.status not in statuses:
        return False
    if side == "applicant":
        return can(user, "enter_data", app.unit)
    return can(user, "approve", app.office)


# --- helpers ------------------------------------------------------------------------------


def _locked(app: Application) -> Application:
    return Application.objects.select_for_update().select_related("unit", "office").get(pk=app.pk)


def _claim(app: Application, version: int | None) -> None:
    """Take the next version or refuse: someone else saved since `version`."""
    if version is None:
        version = app.version
    if not Application.objects.filter(pk=app.pk, version=version).update(version=F("version") + 1):
        raise StaleVersion(
            _(
                "Someone else changed this application since you opened it; nothing was "
                "saved. Reload the page to see the current state, then try again."
            )
        )
    app.version = version + 1


def _save(app: Application, actor, reason: str = "", **fields) -> Application:
    for name, value in fields.items():
        setattr(app, name, value)
    app.updated_by = actor
    app._history_user = actor
    app._change_reason = reason[:100]
    app.save()
    return app


def _advance(app: Application, actor, reason: str, **fields) -> Application:
    """A step on the locked application that no page edits (no version to check): it still
    takes the next version, so that a page opened before it is stale."""
    app.version += 1
    return _save(app, actor, reason, **fields)


def _status_refusal(app: Application) -> RecognitionError:
    return RecognitionError(
        _("This application is %(status)s: this step cannot be taken now.")
        % {"status": app.get_status_display()}
    )


def _require_status(app: Application, statuses: Iterable[str]) -> None:
    if app.status not in tuple(statuses):
        raise _status_refusal(app)


def definition(app: Application):
    return criteria.definition(app.criteria_set)


def applicant_level(unit: OrgUnit) -> str:
    """The administrative level an applicant files at: its own, or for a body (no level) that
    of the nearest administrative unit above it."""
    node = unit
    while node is not None and node.level_id is None:
        node = OrgUnit.objects.get_parent(node)
    return node.level.code if node is not None else ""


def filing_date(set_def, year: int) -> datetime.date:
    """The day the dossier is due at the office (the decider is the one of that day)."""
    return set_def.deadline("file", year) or datetime.date(year + 1, 1, 1)


def office_for(unit: OrgUnit, office_level: str, day: datetime.date) -> OrgUnit | None:
    """The unit above `unit` at `office_level` standing on `day` (nearest first)."""
    for ancestor in reversed(OrgUnit.objects.get_ancestors(unit).select_related("level")):
        if ancestor.level_id and ancestor.level.code == office_level and ancestor.is_valid_on(day):
            return ancestor
    return None


# --- registration -------------------------------------------------------------------------


@transaction.atomic
def register(
    *, unit: OrgUnit, model: str, year: int, level: int, actor, unit_kind: str = "",
    public: bool = False, difficult_area: bool = False,
) -> Application:  # fmt: skip
    """Register `unit` for recognition under `model` for evaluation year `year` at `level`:
    the criteria set in force for the year, the office its decider names for the filing date,
    and the answers XHHT already knows, prefilled and linked to their sources."""
    _require(actor, "enter_data", unit)
    criteria_set = criteria.current(model, year)
    if criteria_set is None:
        raise RecognitionError(
            _("No criteria set of this learning model is in force for %(year)s.") % {"year": year}
        )
    set_def = criteria.definition(criteria_set)
    if level not in set_def.levels:
        levels = ", ".join(str(n) for n in set_def.levels)
        raise RecognitionError(
            _("Level %(level)s does not exist in this criteria set (levels: %(levels)s).")
            % {"level": level, "levels": levels}
        )
    if unit_kind and unit_kind not in Application.UnitKind.values:
        raise RecognitionError(_("Choose the kind of unit from the list."))
    if "kind" in set_def.unit_fields and not unit_kind:
        raise RecognitionError(_("Say what kind of unit is applying."))
    filed_on = filing_date(set_def, year)
    own_level = applicant_level(unit)
    decider = set_def.decider_for(own_level, filed_on)
    if decider is None:
        raise RecognitionError(
            _(
                "The criteria set names no decider for units of level “%(level)s” filing on "
                "%(day)s; an administrator can add one to the criteria set."
            )
            % {"level": own_level or "—", "day": vn_date(filed_on)}
        )
    office = office_for(unit, decider.office_level, filed_on)
    if office is None:
        raise RecognitionError(
            _("No unit of level “%(level)s” stands above this unit on %(day)s to decide.")
            % {"level": decider.office_level, "day": vn_date(filed_on)}
        )
    fields = {
        "criteria_set": criteria_set, "level": level, "office": office,
        "decider_title": decider.title[:200],
        "unit_kind": unit_kind if "kind" in set_def.unit_fields else "",
        "public": bool(public) and "public" in set_def.unit_fields,
        "difficult_area": bool(difficult_area) and "difficult_area" in set_def.unit_fields,
    }  # fmt: skip
    existing = (
        Application.objects.select_for_update().filter(unit=unit, model=model, year=year).first()
    )
    if existing is not None and existing.status != Status.WITHDRAWN:
        raise RecognitionError(
            _("This unit has already registered for this learning model for %(year)s.")
            % {"year": year}
        )
    if existing is not None:
        # A withdrawn application comes back: its answers and evidence are kept.
        app = _advance(existing, actor, "register", status=Status.REGISTERED, result={},
                    return_reason="", submitted_at=None, **fields)  # fmt: skip
    else:
        app = Application(unit=unit, model=model, year=year, updated_by=actor, **fields)
        app._history_user = actor
        app._change_reason = "register"
        try:
            with transaction.atomic():
                app.save()
        except IntegrityError as error:  # a double click registered it meanwhile
            raise RecognitionError(
                _("This unit has already registered for this learning model for %(year)s.")
                % {"year": year}
            ) from error
    _prefill(app, set_def, actor, only_missing=existing is not None)
    return app


def _prefill_one(app: Application, indicator) -> prefill.Prefilled | None:
    reader = prefill.PREFILL.get(indicator.prefill) if indicator.prefill else None
    if reader is None:
        return None
    if indicator.kind == "share_recognised":
        cascade = definition(app).cascade or {}
        # The level of the recognitions below that count at the level applied for (TT 25:
        # level 1 counts communes at level 1, level 2 those at level 2).
        counted = getattr(indicator, "counts_level", None) or {}
        return reader(
            app.unit, app.year, level=counted.get(app.level, app.level),
            model=cascade.get("model", ""),
            policy=cascade.get("policy", "valid"),
        )  # fmt: skip
    return reader(app.unit, app.year)


def _prefill(app: Application, set_def, actor, *, only_missing: bool = False) -> int:
    """Linked answers from XHHT's figures for the indicators with a prefill key."""
    answers = {a.indicator: a for a in app.answers.all()}
    written = 0
    for indicator in set_def.indicators():
        answer = answers.get(indicator.code)
        if answer is not None and (only_missing or answer.source == Answer.Source.TYPED):
            continue
        found = _prefill_one(app, indicator)
        if found is None:
            continue
        written += _link(app, answer, indicator.code, found, actor)
    return written


def _link(app, answer: Answer | None, code: str, found: prefill.Prefilled, actor) -> int:
    note = found.source_note[:300]
    if answer is not None and answer.value == found.value and answer.source_note == note:
        return 0
    if answer is None:
        answer = Answer(application=app, indicator=code)
    else:
        answer.version += 1
    answer.value, answer.source, answer.source_note = found.value, Answer.Source.LINKED, note
    answer.updated_by = actor
    answer._history_user = actor
    answer.save()
    return 1


@transaction.atomic
def refresh_linked(app: Application, *, actor) -> int:
    """Read the linked answers again from their sources; how many changed."""
    _applicant(actor, app)
    app = _locked(app)
    _require_status(app, EDITABLE)
    return _prefill(app, definition(app), actor)


# --- self-assessment ----------------------------------------------------------------------


def _read(text, code: str, part: str) -> Decimal:
    """A number as typed (1.234 or 99,5) or given (an int, a float); bool is no number."""
    if isinstance(text, bool):
        raise _bad(code, part)
    if isinstance(text, int | float | Decimal):
        return Decimal(str(text))
    try:
        number = parse_number(str(text))
    except NotANumber:
        raise _bad(code, part) from None
    if number is None:
        raise _bad(code, part)
    return number


def _integer(text, code: str, part: str) -> int:
    number = _read(text, code, part)
    if number != number.to_integral_value():
        raise RecognitionError(
            _("%(code)s: “%(part)s” must be a whole number.") % {"code": code, "part": part},
            [code],
        )
    if number < 0:
        raise RecognitionError(
            _("%(code)s: “%(part)s” cannot be negative.") % {"code": code, "part": part}, [code]
        )
    return int(number)


def _number(text, code: str, part: str) -> int | float:
    number = _read(text, code, part)
    return int(number) if number == number.to_integral_value() else float(number)


def _bad(code: str, part: str) -> RecognitionError:
    return RecognitionError(
        _("%(code)s: “%(part)s” is not a number.") % {"code": code, "part": part}, [code]
    )


def clean_value(indicator, value):
    """The value as the engine reads it, or RecognitionError naming the indicator."""
    code, kind = indicator.code, indicator.kind
    if kind == "boolean":
        if not isinstance(value, bool):
            raise RecognitionError(_("%(code)s: answer yes or no.") % {"code": code}, [code])
        return value
    if (
        kind in ("count", "ordinal")
        and isinstance(value, int | str)
        and not isinstance(value, bool)
    ):
        if kind == "ordinal" and isinstance(value, str) and not value.strip().lstrip("-").isdigit():
            return _level_word(indicator, value)
        return _integer(value, code, indicator.text[:40])
    if kind == "points":
        number = _number(value, code, indicator.text[:40])
        if number < 0:
            raise RecognitionError(_("%(code)s: points cannot be negative.") % {"code": code},
                                   [code])  # fmt: skip
        return number
    if isinstance(value, Mapping) and indicator.inputs:
        return _clean_parts(indicator, value)
    raise RecognitionError(_("%(code)s: the value is not of the expected form.") % {"code": code},
                           [code])  # fmt: skip


def _level_word(indicator, value: str) -> str:
    word = nfc(value).strip()
    scale = getattr(indicator, "scale", None) or ()
    if scale and word not in scale:
        raise RecognitionError(
            _("%(code)s: “%(word)s” is not a level of this indicator (levels: %(levels)s).")
            % {"code": indicator.code, "word": word, "levels": ", ".join(scale)},
            [indicator.code],
        )
    return word


def _clean_parts(indicator, value: Mapping) -> dict:
    code = indicator.code
    unknown = set(value) - set(indicator.inputs)
    if unknown:
        raise RecognitionError(
            _("%(code)s: unknown parts %(parts)s.") % {"code": code, "parts": ", ".join(unknown)},
            [code],
        )
    if indicator.kind == "trend":
        return {k: _number(value[k], code, k) for k in indicator.inputs if value.get(k) is not None}
    parts = {k: _integer(value[k], code, k) for k in indicator.inputs if value.get(k) not in
             (None, "")}  # fmt: skip
    den = parts.get("den")
    if den is not None:
        for name, number in parts.items():
            if name != "den" and number > den:
                raise RecognitionError(
                    _("%(code)s: %(part)s (%(num)s) is larger than the total (%(den)s).")
                    % {"code": code, "part": name, "num": number, "den": den},
                    [code],
                )
    return parts


def _check_with_engine(set_def, app: Application, code: str, value) -> None:
    """The engine reads the value without failing (an unknown level word, a wrong shape)."""
    try:
        engine.evaluate(set_def, unit_mapping(app, {code: value}))
    except (ValueError, KeyError, TypeError, ArithmeticError) as error:
        raise RecognitionError(
            _("%(code)s: the value cannot be read (%(error)s).") % {"code": code, "error": error},
            [code],
        ) from error


@transaction.atomic
def save_answers(app: Application, answers: Mapping[str, Mapping], *, version: int,
                 actor) -> Application:  # fmt: skip
    """Save the typed self-assessment, all or nothing. A None value never erases a saved one;
    a typed value on a linked answer makes it typed unless it equals the linked figure."""
    _applicant(actor, app)
    app = _locked(app)
    _require_status(app, EDITABLE)
    set_def = definition(app)
    cleaned: dict[str, tuple] = {}
    for code, typed in answers.items():
        try:
            indicator = set_def.indicator(code)
        except KeyError:
            raise RecognitionError(
                _("%(code)s is not an indicator of this criteria set.") % {"code": code}, [code]
            ) from None
        value = typed.get("value")
        if value is not None:
            value = clean_value(indicator, value)
            _check_with_engine(set_def, app, code, value)
        explanation = typed.get("explanation")
        explanation = nfc(explanation).strip() if explanation is not None else None
        cleaned[code] = (value, explanation, bool(typed.get("unlink")))
    _claim(app, version)
    stored = {a.indicator: a for a in app.answers.select_for_update()}
    for code, (value, explanation, unlink) in cleaned.items():
        _write_answer(app, stored.get(code), code, value, explanation, unlink, actor)
    return _save(app, actor, "answers")


def _write_answer(app, answer, code, value, explanation, unlink, actor) -> None:
    if answer is None:
        if value is None and not explanation:
            return
        answer = Answer(application=app, indicator=code)
    before = (answer.value, answer.explanation, answer.source)
    if value is not None:
        if answer.source == Answer.Source.LINKED and value != answer.value:
            answer.source = Answer.Source.TYPED
        answer.value = value
    if explanation is not None:
        answer.explanation = explanation
    if unlink:
        answer.source = Answer.Source.TYPED
    if answer.pk is not None and before == (answer.value, answer.explanation, answer.source):
        return
    if answer.source == Answer.Source.TYPED:
        answer.source_note = ""
    if answer.pk is not None:
        answer.version += 1
    answer.updated_by = actor
    answer._history_user = actor
    answer.save()


# --- evidence -----------------------------------------------------------------------------


@transaction.atomic
def attach_evidence(app: Application, upload, *, indicator: str, actor) -> Evidence:
    """Keep a file as evidence for one indicator (or the whole dossier when blank), once its
    content shows an accepted kind (core.uploads, the limits of collection's evidence)."""
    _applicant(actor, app)
    app = _locked(app)
    _require_status(app, EDITABLE)
    if indicator:
        try:
            definition(app).indicator(indicator)
        except KeyError:
            raise RecognitionError(
                _("%(code)s is not an indicator of this criteria set.") % {"code": indicator}
            ) from None
    try:
        kind = check_upload(upload, upload.size, allowed=EVIDENCE_KINDS,
                            max_bytes=MAX_EVIDENCE_BYTES)  # fmt: skip
    except UploadRefused as refused:
        raise RecognitionError(str(refused), [indicator] if indicator else []) from refused
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(application=app, indicator=indicator, name=nfc(upload.name)[:255],
                        kind=kind, size=upload.size, sha256=digest.hexdigest(),
                        uploaded_by=actor)  # fmt: skip
    evidence._history_user = actor
    evidence.file.save(f"evidence.{kind}", File(upload), save=False)
    evidence.save()
    return evidence


@transaction.atomic
def remove_evidence(evidence: Evidence, *, actor) -> None:
    app = evidence.application
    _applicant(actor, app)
    app = _locked(app)
    _require_status(app, EDITABLE)
    evidence._history_user = actor
    evidence.file.delete(save=False)
    evidence.delete()


# --- evaluation ---------------------------------------------------------------------------


def unit_mapping(app: Application, values: Mapping[str, object]) -> dict:
    return {
        "code": app.unit.code, "year": app.year, "difficult_area": app.difficult_area,
        "kind": app.unit_kind, "public": app.public, "indicators": dict(values),
    }  # fmt: skip


def values_of(app: Application) -> dict:
    return {a.indicator: a.value for a in app.answers.all() if a.value is not None}


def evaluation(app: Application) -> dict:
    """The engine's reading of the answers now (no evidence rule: that is the submission's)."""
    return engine.evaluate(definition(app), unit_mapping(app, values_of(app)))


def evidenced(app: Application) -> set[str]:
    """Indicators with evidence: a file attached to them, or a figure linked to XHHT's data."""
    files = set(app.evidence.exclude(indicator="").values_list("indicator", flat=True))
    linked = {a.indicator for a in app.answers.all() if a.source == Answer.Source.LINKED}
    return files | linked


def frozen_result(app: Application) -> dict:
    """The evaluation as the set's evidence rule counts it at submission: a met indicator
    without evidence counts as the set says (TT 24: not met; TT 25: no data)."""
    set_def = definition(app)
    result = evaluation(app)
    missing_as = set_def.missing_evidence
    have = evidenced(app)
    lacking = set()
    for level in result.get("levels", {}).values():
        for criterion in level["criteria"].values():
            for code, status in criterion["indicators"].items():
                if status == engine.MET and code not in have:
                    criterion["indicators"][code] = missing_as
                    lacking.add(code)
            criterion["status"] = engine.combine(criterion["indicators"].values())
        level["status"] = engine.combine(c["status"] for c in level["criteria"].values())
    if set_def.method == "levels":
        result["level"] = engine.reached(set_def.levels, result.get("levels", {}))
    result["criteria_set"] = app.criteria_set.code
    result["version"] = app.criteria_set.version
    result["without_evidence"] = sorted(lacking)
    counted = sorted({i for a in app.answers.all() for i in _counted(a)})
    result["counted"] = counted
    return result


def _counted(answer: Answer) -> list[int]:
    """Decision ids a cascade answer counted (prefill writes them into its note)."""
    return prefill.counted_ids(answer.source_note) if answer.source == Answer.Source.LINKED else []


def at_fault(result: Mapping, level: int, status: str) -> list[str]:
    """The indicators of `level` in `result` with `status`."""
    found = []
    for criterion in result.get("levels", {}).get(str(level), {}).get("criteria", {}).values():
        found += [code for code, s in criterion["indicators"].items() if s == status]
    return found


# --- the applicant's steps ----------------------------------------------------------------


@transaction.atomic
def record_review(app: Application, *, held_on: datetime.date, chair: str, participants: str,
                  conclusion: str, actor) -> ReviewMeeting:  # fmt: skip
    """The applicant's review meeting (TT 25 Điều 9.2); recorded again after a return."""
    _applicant(actor, app)
    app = _locked(app)
    _require_status(app, EDITABLE)
    chair, participants, conclusion = (nfc(t or "").strip() for t in (chair, participants,
                                                                     conclusion))  # fmt: skip
    if not (chair and participants and conclusion):
        raise RecognitionError(
            _("Say who chaired the meeting, who took part and what it concluded.")
        )
    if held_on > timezone.localdate():
        raise RecognitionError(_("The review meeting cannot be in the future."))
    review = ReviewMeeting.objects.filter(application=app).first() or ReviewMeeting(application=app)
    review.held_on, review.chair = held_on, chair
    review.participants, review.conclusion, review.recorded_by = participants, conclusion, actor
    review._history_user = actor
    review.save()
    _advance(app, actor, "review", status=Status.REVIEWED)
    return review


@transaction.atomic
def submit(app: Application, *, version: int, actor) -> Application:
    """Send the dossier to the office. The unit applies at the level it meets: an indicator of
    that level not met, or without data (or evidence, where the set says so), refuses it."""
    _applicant(actor, app)
    app = _locked(app)
    _require_status(app, (Status.REVIEWED, Status.RETURNED))
    if not ReviewMeeting.objects.filter(application=app).exists():
        raise RecognitionError(_("Record the review meeting before submitting."))
    result = frozen_result(app)
    missing = at_fault(result, app.level, engine.NO_DATA)
    if missing:
        raise RecognitionError(
            _("The dossier was not submitted: these indicators of level %(level)s have no data "
              "or no evidence: %(codes)s.") % {"level": app.level, "codes": ", ".join(missing)},
            missing,
        )  # fmt: skip
    failing = at_fault(result, app.level, engine.NOT_MET)
    if failing:
        raise RecognitionError(
            _("The dossier was not submitted: level %(level)s is not met (%(codes)s). A unit "
              "applies at the level it meets.") % {"level": app.level,
                                                   "codes": ", ".join(failing)},
            failing,
        )  # fmt: skip
    _claim(app, version)
    return _save(app, actor, "submit", status=Status.SUBMITTED, result=result,
                 submitted_at=timezone.now(), return_reason="")  # fmt: skip


@transaction.atomic
def withdraw(app: Application, *, version: int, actor) -> Application:
    _applicant(actor, app)
    app = _locked(app)
    _require_status(app, WITHDRAWABLE)
    _claim(app, version)
    return _save(app, actor, "withdraw", status=Status.WITHDRAWN)


# --- the office's steps -------------------------------------------------------------------


@transaction.atomic
def return_application(app: Application, *, reason: str, version: int, actor) -> Application:
    """Send a submitted dossier back to the unit for completion, saying why."""
    _office(actor, app)
    app = _locked(app)
    _require_status(app, (Status.SUBMITTED,))
    reason = nfc(reason or "").strip()
    if not reason:
        raise RecognitionError(_("Say why the dossier is returned."))
    _claim(app, version)
    return _save(app, actor, "return", status=Status.RETURNED, return_reason=reason)


def _clean_members(members: list[Mapping]) -> list[tuple[str, str, str]]:
    rows = []
    for member in members:
        name = nfc(member.get("name") or "").strip()
        position = nfc(member.get("position") or "").strip()
        role = member.get("role") or CouncilMember.Role.MEMBER
        if not name:
            raise RecognitionError(_("Every member of the council needs a name."))
        if role not in CouncilMember.Role.values:
            raise RecognitionError(_("A council member's role is chair, secretary or member."))
        rows.append((name, position, role))
    if len(rows) < MIN_COUNCIL or len(rows) % 2 == 0:
        raise RecognitionError(
            _("The council must have an odd number of members, at least %(min)s (now %(n)s).")
            % {"min": MIN_COUNCIL, "n": len(rows)}
        )
    roles = [r for _n, _p, r in rows]
    if roles.count(CouncilMember.Role.CHAIR) != 1 or roles.count(CouncilMember.Role.SECRETARY) != 1:
        raise RecognitionError(_("The council has exactly one chair and one secretary."))
    return rows


@transaction.atomic
def form_council(app: Application, *, formed_on: datetime.date, formation_number: str,
                 members: list[Mapping], actor) -> Council:  # fmt: skip
    """The office's council (an odd number of members, at least five: a chair, a secretary
    and members); the dossier goes before it."""
    _office(actor, app)
    app = _locked(app)
    _require_status(app, (Status.SUBMITTED,))
    rows = _clean_members(members)
    council = Council.objects.filter(application=app).first()
    if council is not None:  # formed before a return: formed again
        council.members.all().delete()
        council.version += 1
    else:
        council = Council(application=app)
    council.formed_on = formed_on
    council.formation_number = nfc(formation_number or "").strip()[:60]
    council.met_on, council.opinion, council.recommendation = None, "", ""
    council.updated_by = actor
    council._history_user = actor
    council.save()
    for order, (name, position, role) in enumerate(rows):
        member = CouncilMember(council=council, name=name[:200], position=position[:300],
                               role=role, order=order)  # fmt: skip
        member._history_user = actor
        member.save()
    _advance(app, actor, "council", status=Status.IN_COUNCIL)
    return council


@transaction.atomic
def record_opinion(app: Application, *, met_on: datetime.date, opinion: str, recommendation: str,
                   version: int, actor) -> Council:  # fmt: skip
    """The council's opinion and recommendation (its meeting or its members' written
    opinions). `version` is the application's."""
    _office(actor, app)
    app = _locked(app)
    _require_status(app, (Status.IN_COUNCIL,))
    opinion = nfc(opinion or "").strip()
    if recommendation not in Council.Recommendation.values:
        raise RecognitionError(_("Choose the council's recommendation."))
    if not opinion:
        raise RecognitionError(_("Write the council's opinion."))
    council = Council.objects.select_for_update().get(application=app)
    if met_on < council.formed_on:
        raise RecognitionError(_("The council cannot meet before it is formed."))
    _claim(app, version)
    council.met_on, council.opinion, council.recommendation = met_on, opinion, recommendation
    council.version += 1
    council.updated_by = actor
    council._history_user = actor
    council.save()
    _save(app, actor, "opinion")
    return council


@transaction.atomic
def decide(app: Application, *, outcome: str, number: str, signed_on: datetime.date, signer: str,
           reasons: str = "", actor) -> Decision:  # fmt: skip
    """The decision of recognition at the level applied for, valid for the years the set says,
    or a refusal with its reasons; published to the value store in the same transaction."""
    _office(actor, app)
    app = _locked(app)
    _require_status(app, (Status.IN_COUNCIL,))
    council = Council.objects.filter(application=app).first()
    if council is None or not council.recommendation:
        raise RecognitionError(_("Record the council's opinion before deciding."))
    number, signer, reasons = (nfc(t or "").strip() for t in (number, signer, reasons))
    if not number or not signer:
        raise RecognitionError(_("Give the number of the decision and who signed it."))
    if outcome == Decision.Outcome.RECOGNISED:
        if council.recommendation != Council.Recommendation.RECOGNISE:
            raise RecognitionError(_("The council did not recommend recognition."))
        validity = definition(app).validity_years
        fields = {"level": app.level, "valid_until": app.year + validity if validity else None}
        status = Status.RECOGNISED
    elif outcome == Decision.Outcome.REFUSED:
        if not reasons:
            raise RecognitionError(_("A refusal states its reasons."))
        fields, status = {}, Status.REFUSED
    else:
        raise RecognitionError(_("Choose the outcome: recognised or not recognised."))
    decision = Decision(application=app, outcome=outcome, number=number[:60], signed_on=signed_on,
                        signer=signer[:200], reasons=reasons, result=app.result,
                        recorded_by=actor, **fields)  # fmt: skip
    decision._history_user = actor
    decision.save()
    _advance(app, actor, outcome, status=status)

    publishing.publish_recognition(app)
    return decision
