"""The demo's recognitions: criteria sets, village tallies, and applications carried through the
procedure by the demo accounts, all through the services, as if the users had done it."""

from __future__ import annotations

import datetime
import io
from collections.abc import Mapping

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document

from indicators.demo import DemoSpecError
from units.codes import resolve, year_end
from units.models import OrgUnit
from units.tree import subtree_q, valid_on

from . import engine, loader, services
from .models import Application
from .register_demo import seed_tallies

STEPS = ("registered", "reviewed", "submitted", "in_council", "recognised", "refused")


def load_demo_recognition(spec: Mapping, selected: Mapping[str, list[str]]) -> dict[str, int]:
    """Load the criteria sets, write the tallies, play each application's story; an
    application that exists already is left as it is (load_demo may run again)."""
    loader.load()
    admin = _user("admin")
    tallies = spec.get("tallies")
    rows = 0
    if tallies:
        communes = _tally_units(tallies["units"], tallies["years"])
        rows = seed_tallies(communes, tallies["years"], actor=admin,
                            last_share=tallies["last_share"], rise=tallies["rise"],
                            seed=tallies["seed"])  # fmt: skip
    played = 0
    for story in spec.get("applications", []):
        app = _play(story, spec)
        if app is not None:
            _date_steps(app, story)
            played += 1
    return {"tallies": rows, "applications": played}


def _tally_units(codes: list[str], years: list[int]) -> list[OrgUnit]:
    """The commune-level units each code names, or that stand below it, at the end of each
    year (the tallies' writer skips a unit in a year it did not stand)."""
    found: dict[int, OrgUnit] = {}
    for year in years:
        day = year_end(year)
        for code in codes:
            unit = resolve(code, day)
            if unit is None:
                continue
            below = OrgUnit.objects.filter(
                subtree_q(unit.path), valid_on(day), level__code="commune",
                kind=OrgUnit.Kind.ADMINISTRATIVE,
            )  # fmt: skip
            found.update({u.pk: u for u in below})
    return sorted(found.values(), key=lambda u: u.path)


def _date_steps(app: Application, story: Mapping) -> None:
    """The story's dates of registration and submission in place of today's stamps: the
    demo tells of a procedure that ran in 2024-2025."""
    dated = {}
    for key, field in (("registered_on", "registered_at"), ("submitted_on", "submitted_at")):
        if key in story:
            day = _day(story[key])
            dated[field] = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 9))
    if dated:
        Application.objects.filter(pk=app.pk).update(**dated)


def _play(story: Mapping, spec: Mapping) -> Application | None:
    upto = story["upto"]
    if upto not in STEPS:
        raise DemoSpecError(_("Unknown step %(step)s") % {"step": upto})
    unit = resolve(story["unit"], year_end(story["year"]))
    if unit is None:
        raise DemoSpecError(_("Unknown unit code %(code)s") % {"code": story["unit"]})
    if Application.objects.filter(unit=unit, model=story["model"], year=story["year"]).exists():
        return None
    applicant, office = _user(story["applicant"]), _user(story["office"])
    app = services.register(
        unit=unit, model=story["model"], year=story["year"], level=story["level"],
        actor=applicant, unit_kind=story.get("unit_kind", ""),
        public=story.get("public", False), difficult_area=story.get("difficult_area", False),
    )  # fmt: skip
    if upto == "registered":
        return app
    _answer(app, {**spec["answers"][app.criteria_set.code], **story.get("answers", {})}, applicant)
    review = story["review"]
    services.record_review(
        app, held_on=_day(review["held_on"]), chair=review["chair"],
        participants=review.get("participants", _PARTICIPANTS), conclusion=_CONCLUSION,
        actor=applicant,
    )  # fmt: skip
    app.refresh_from_db()
    if upto == "reviewed":
        return app
    app = services.submit(app, version=app.version, actor=applicant)
    if upto == "submitted":
        return app
    council = story["council"]
    services.form_council(app, formed_on=_day(council["formed_on"]),
                          formation_number=council["number"], members=spec["council"],
                          actor=office)  # fmt: skip
    app.refresh_from_db()
    if upto == "in_council":
        return app
    refused = upto == "refused"
    services.record_opinion(
        app, met_on=_day(council["met_on"]),
        opinion=story.get("opinion", _OPINION), recommendation="refuse" if refused else "recognise",
        version=app.version, actor=office,
    )  # fmt: skip
    app.refresh_from_db()
    decision = story["decision"]
    services.decide(
        app, outcome="refused" if refused else "recognised", number=decision["number"],
        signed_on=_day(decision["signed_on"]), signer=decision["signer"],
        reasons=decision.get("reasons", ""), actor=office,
    )  # fmt: skip
    return app


_PARTICIPANTS = (
    "Lãnh đạo UBND, Hội Khuyến học, Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội"
)
_CONCLUSION = "Thống nhất kết quả tự đánh giá và đề nghị công nhận (dữ liệu minh họa)."
_OPINION = "Hồ sơ đầy đủ; các chỉ số đạt yêu cầu của mức độ đề nghị (dữ liệu minh họa)."


def _answer(app: Application, values: Mapping, actor) -> None:
    """Type what XHHT does not already hold, attach a generated evidence file to each typed
    indicator, and check the applied level is met so that the story can be submitted."""
    app.refresh_from_db()
    linked = {a.indicator for a in app.answers.filter(source="linked") if a.value is not None}
    typed = {code: value for code, value in values.items() if code not in linked}
    answers = {code: {"value": value, "explanation": "", "unlink": False}
               for code, value in typed.items()}  # fmt: skip
    services.save_answers(app, answers, version=app.version, actor=actor)
    app.refresh_from_db()
    for code in sorted(typed):
        services.attach_evidence(app, _evidence(app, code), indicator=code, actor=actor)
    app.refresh_from_db()
    result = services.evaluation(app)
    status = result["levels"][str(app.level)]["status"]
    if status != engine.MET:
        short = services.at_fault(result, app.level, engine.NOT_MET) or services.at_fault(
            result, app.level, engine.NO_DATA
        )
        raise DemoSpecError(
            _("Demo application of %(unit)s does not meet level %(level)s: %(codes)s")
            % {"unit": app.unit.code, "level": app.level, "codes": ", ".join(short)}
        )


def _evidence(app: Application, code: str) -> SimpleUploadedFile:
    """A real Word file saying it is demo evidence for one indicator."""
    document = Document()
    document.add_heading(_("Evidence (demo data)"), level=1)
    document.add_paragraph(
        _("Illustrative evidence for indicator %(code)s of %(unit)s, evaluation year %(year)s.")
        % {"code": code, "unit": app.unit.name, "year": app.year}
    )
    buffer = io.BytesIO()
    document.save(buffer)
    name = f"minh-chung-{code}.docx"
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def _day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _user(username: str):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise DemoSpecError(_("Unknown demo account %(name)s") % {"name": username})
    return user
