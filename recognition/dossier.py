"""The applicant's dossier (TT 25 Điều 9.1–3, TT 24 Điều 10): the tờ trình, the báo cáo tự
đánh giá and the bản tổng hợp, as core.documents blocks laid out by reports.docx (NĐ 30/2020)."""

from __future__ import annotations

import dataclasses
import re

from django.utils import translation
from django.utils.translation import gettext as _

from core.documents import Block, Document, Heading, Paragraph, Table
from core.templatetags.xhht import vn_date, vn_number
from reports import docx
from reports.letterhead import REPORT, default_letterhead, default_signer
from reports.yearly import DOCUMENT_LANGUAGE

from . import engine, services
from .models import Answer, Application, ReviewMeeting
from .wording import status_word, value_text

DOSSIER_PARTS = ("to-trinh", "bao-cao", "tong-hop")
# The document types of NĐ 30/2020 Phụ lục III and their abbreviations in the number symbol.
KINDS = {"to-trinh": ("TỜ TRÌNH", "TTr"), "bao-cao": (REPORT, "BC"),
         "tong-hop": ("BẢN TỔNG HỢP", "BTH")}  # fmt: skip


def _result(app: Application) -> dict:
    """The frozen evaluation once submitted; before that, as it would be frozen now."""
    return app.result if app.result.get("levels") else services.frozen_result(app)


def _indicator_status(result: dict, level: int, criterion: str, code: str) -> str:
    level_result = result.get("levels", {}).get(str(level), {})
    criterion_result = level_result.get("criteria", {}).get(criterion, {})
    return criterion_result.get("indicators", {}).get(code, engine.NO_DATA)


def _letterhead(app: Application, part: str):
    kind, abbreviation = KINDS[part]
    base = default_letterhead(app.unit, app.year)
    recipient = addressee(app.decider_title, app.office.name)
    return dataclasses.replace(
        base, symbol=base.symbol.replace("BC-", f"{abbreviation}-", 1),
        recipients=(recipient,), signer=default_signer(app.unit),
    ), kind  # fmt: skip


def addressee(title: str, office: str) -> str:
    """ "Kính gửi" of the decider: its title with the office's own name for the level word
    ("Chủ tịch Ủy ban nhân dân cấp huyện" -> "… huyện Cát Hải"), without the set's
    parenthetical notes."""
    title = re.sub(r"\s*\([^)]*\)", "", title).strip()
    place = f"{office[:1].lower()}{office[1:]}"
    if LEVEL_WORD.search(title):
        return LEVEL_WORD.sub(place, title, count=1)
    return f"{title} {place}".strip()


LEVEL_WORD = re.compile(r"cấp (xã|huyện|tỉnh)")


def _subject(app: Application, what: str) -> str:
    return _("%(what)s %(model)s, level %(level)s, %(year)s") % {
        "what": what, "model": app.criteria_set.title.lower(), "level": app.level,
        "year": app.year,
    }  # fmt: skip


def _to_trinh(app: Application, result: dict) -> list[Block]:
    review = ReviewMeeting.objects.filter(application=app).first()
    unit = app.unit.name
    body: list[Block] = [
        Paragraph(_("Pursuant to %(source)s;") % {"source": app.criteria_set.source}),
        Paragraph(_("Pursuant to the results of the self-assessment of %(unit)s in %(year)s;")
                  % {"unit": unit, "year": app.year}),
    ]  # fmt: skip
    if review is not None:
        body.append(Paragraph(
            _("Pursuant to the review meeting of %(day)s chaired by %(chair)s;")
            % {"day": vn_date(review.held_on), "chair": review.chair}
        ))  # fmt: skip
    met = result.get("level")
    body.append(Paragraph(
        _("By its self-assessment, %(unit)s meets level %(met)s of the criteria set "
          "%(set)s (version %(version)s).")
        % {"unit": unit, "met": met if met is not None else "—", "set": app.criteria_set.code,
           "version": app.criteria_set.version}
    ))  # fmt: skip
    body.append(Paragraph(
        _("%(unit)s respectfully requests %(decider)s to consider and recognise it as "
          "%(model)s at level %(level)s for %(year)s.")
        % {"unit": unit, "decider": app.decider_title, "model": app.criteria_set.title.lower(),
           "level": app.level, "year": app.year}
    ))  # fmt: skip
    files = app.evidence.count()
    body.append(Paragraph(
        _("Enclosed: the self-assessment report, the summary of the self-assessment results "
          "and %(n)s files of evidence.") % {"n": vn_number(files)}
    ))  # fmt: skip
    return body


def _bao_cao(app: Application, result: dict) -> list[Block]:
    set_def = services.definition(app)
    unit_map = services.unit_mapping(app, {})
    answers = {a.indicator: a for a in app.answers.all()}
    files: dict[str, list[str]] = {}
    for evidence in app.evidence.order_by("pk"):
        files.setdefault(evidence.indicator, []).append(evidence.name)
    body: list[Block] = [
        Heading(_("General information"), 1),
        Paragraph(_("Applicant: %(unit)s. Evaluation year: %(year)s (data from 01/01 to 31/12). "
                    "Level applied for: %(level)s. Criteria set: %(set)s, version %(version)s "
                    "(%(source)s).")
                  % {"unit": app.unit.name, "year": app.year, "level": app.level,
                     "set": app.criteria_set.title, "version": app.criteria_set.version,
                     "source": app.criteria_set.source}),
        Heading(_("Self-assessment by criterion"), 1),
    ]  # fmt: skip
    for criterion in set_def.criteria:
        status = result.get("levels", {}).get(str(app.level), {}).get("criteria", {})
        status = status.get(criterion.code, {}).get("status", engine.NO_DATA)
        body.append(Heading(f"{criterion.code}. {criterion.name} ({status_word(status)})", 2))
        for indicator in criterion.indicators:
            body.extend(_indicator_paragraphs(app, result, indicator, answers.get(indicator.code),
                                              files.get(indicator.code, []), unit_map))  # fmt: skip
    body.append(Heading(_("Conclusion"), 1))
    met = result.get("level")
    body.append(Paragraph(
        _("Level %(level)s: %(status)s. Level met by the self-assessment: %(met)s.")
        % {"level": app.level,
           "status": status_word(result.get("levels", {}).get(str(app.level), {}).get("status",
                                                                                      "")),
           "met": met if met is not None else "—"}
    ))  # fmt: skip
    if files.get(""):
        body.append(Paragraph(_("Evidence for the whole dossier: %(files)s.")
                              % {"files": ", ".join(files[""])}))  # fmt: skip
    return body


def _indicator_paragraphs(app, result, indicator, answer: Answer | None, names: list[str],
                          unit_map) -> list[Block]:  # fmt: skip
    status = _indicator_status(result, app.level, indicator.criterion, indicator.code)
    value = answer.value if answer else None
    text = _("%(code)s. %(text)s: %(value)s (%(status)s).") % {
        "code": indicator.code, "text": indicator.text, "value": value_text(indicator, value),
        "status": status_word(status),
    }  # fmt: skip
    if status != engine.NOT_APPLICABLE:
        text += " " + _("Requirement: %(req)s.") % {
            "req": indicator.threshold_text(unit_map, app.level)
        }
    blocks: list[Block] = [Paragraph(text)]
    if answer and answer.explanation:
        blocks.append(Paragraph(answer.explanation))
    sources = []
    if answer and answer.source == Answer.Source.LINKED and answer.source_note:
        sources.append(_("figure from XHHT: %(note)s") % {"note": answer.source_note})
    if names:
        sources.append(", ".join(names))
    blocks.append(Paragraph(_("Evidence: %(list)s.") % {"list": "; ".join(sources) or "—"},
                            note=True))  # fmt: skip
    if indicator.reading:
        blocks.append(Paragraph(indicator.reading, note=True))
    return blocks


def _tong_hop(app: Application, result: dict) -> list[Block]:
    set_def = services.definition(app)
    unit_map = services.unit_mapping(app, {})
    answers = {a.indicator: a.value for a in app.answers.all()}
    rows = []
    for criterion in set_def.criteria:
        for indicator in criterion.indicators:
            status = _indicator_status(result, app.level, criterion.code, indicator.code)
            requirement = (
                "—" if status == engine.NOT_APPLICABLE
                else indicator.threshold_text(unit_map, app.level)
            )  # fmt: skip
            rows.append((criterion.code, f"{indicator.code}. {indicator.text}", requirement,
                         value_text(indicator, answers.get(indicator.code)),
                         status_word(status)))  # fmt: skip
    level_status = result.get("levels", {}).get(str(app.level), {}).get("status", "")
    columns = (
        _("Criterion"), _("Indicator"), _("Requirement at level %(n)s") % {"n": app.level},
        _("Self-assessed value"), _("Result"),
    )  # fmt: skip
    return [
        Paragraph(_("Summary of the self-assessment of %(unit)s against the criteria of level "
                    "%(level)s.") % {"unit": app.unit.name, "level": app.level}),
        Table(columns, tuple(rows), widths=(1, 4, 2, 2.5, 1.5),
              total=("", _("Level %(n)s") % {"n": app.level}, "", "",
                     status_word(level_status))),
    ]  # fmt: skip


BUILDERS = {"to-trinh": _to_trinh, "bao-cao": _bao_cao, "tong-hop": _tong_hop}
SUBJECTS = {
    "to-trinh": lambda: _("Request for recognition as"),
    "bao-cao": lambda: _("Self-assessment for recognition as"),
    "tong-hop": lambda: _("Results of the self-assessment for recognition as"),
}


def document(app: Application, part: str) -> Document:
    """One part of the dossier, in Vietnamese whatever the reader's language."""
    if part not in DOSSIER_PARTS:
        raise KeyError(part)
    with translation.override(DOCUMENT_LANGUAGE):
        letterhead, kind = _letterhead(app, part)
        result = _result(app)
        return Document(
            letterhead=letterhead, kind=kind, subject=_subject(app, SUBJECTS[part]()),
            body=BUILDERS[part](app, result),
        )  # fmt: skip


def render(app: Application, part: str) -> bytes:
    """The part as .docx bytes (reports.docx, the layout of NĐ 30/2020)."""
    return docx.render(document(app, part))
