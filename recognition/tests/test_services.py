"""The procedure's write path: every transition allowed and refused, versions, scope, council."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import translation

from recognition import criteria, publishing, services, testing
from recognition.models import Answer, Application, Decision
from recognition.services import RecognitionError, StaleVersion

Status = Application.Status
DAY = datetime.date(2025, 1, 10)


@pytest.fixture(autouse=True)
def english(_site_language):
    """Messages are matched in their English source (the .po may not be merged yet)."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return testing.build_world()


@pytest.fixture
def published(monkeypatch):
    """The applications a decision publishes, recorded instead of written."""
    calls: list = []
    monkeypatch.setattr(publishing, "publish_recognition", calls.append)
    return calls


def register(world, user=None, **kw):
    kw.setdefault("unit", world.tree.commune_a1)
    kw.setdefault("model", "cdht_commune")
    kw.setdefault("year", 2024)
    kw.setdefault("level", 1)
    return services.register(actor=user or world.users.commune_reporter, **kw)


def make(world, upto, **kw):
    return testing.application(world.tree.commune_a1, world.users.superuser, upto=upto, **kw)


# --- register -----------------------------------------------------------------------------


def test_register_finds_the_set_and_the_office_of_the_decider(world):
    app = register(world)
    assert app.status == Status.REGISTERED
    assert app.office == world.tree.district_a
    assert app.criteria_set.code == testing.TT25
    assert "Giáo dục" in app.decider_title
    row = app.history.latest()
    assert row.history_user == world.users.commune_reporter


def test_a_second_registration_for_the_same_model_and_year_is_refused(world):
    register(world)
    with pytest.raises(RecognitionError, match="already registered"):
        register(world, level=2)
    assert register(world, year=2023).year == 2023  # another year is another application


def test_a_withdrawn_application_can_be_registered_again(world):
    app = register(world)
    services.withdraw(app, version=app.version, actor=world.users.commune_reporter)
    again = register(world, level=2)
    assert (again.pk, again.status, again.level) == (app.pk, Status.REGISTERED, 2)


def test_register_refuses_an_unknown_level_and_a_year_without_a_set(world):
    with pytest.raises(RecognitionError, match="Level 3"):
        register(world, level=3)
    with pytest.raises(RecognitionError, match="No criteria set"):
        register(world, year=2010)


def test_register_without_a_decider_for_the_filing_date_says_so(world, monkeypatch):
    real = criteria.definition

    def no_deciders(criteria_set):
        return dataclasses.replace(real(criteria_set), deciders=())

    monkeypatch.setattr(criteria, "definition", no_deciders)
    with pytest.raises(RecognitionError, match="names no decider"):
        register(world)
    assert not Application.objects.exists()


def test_a_body_files_at_the_level_of_its_administrative_unit(world):
    app = register(world, world.users.unit_reporter, unit=world.tree.education,
                   model="dvht_district", unit_kind="organisation", public=True)  # fmt: skip
    assert app.office == world.tree.district_a
    assert (app.unit_kind, app.public, app.difficult_area) == ("organisation", True, False)


def test_a_learning_unit_states_its_kind(world):
    with pytest.raises(RecognitionError, match="kind of unit"):
        register(world, world.users.unit_reporter, unit=world.tree.education,
                 model="dvht_district")  # fmt: skip


@pytest.mark.parametrize("who", ["other_district", "viewer", "unit_reporter", "no_unit"])
def test_register_outside_the_scope_is_404(world, who):
    with pytest.raises(Http404):
        register(world, getattr(world.users, who))


# --- answers ------------------------------------------------------------------------------


def test_answers_are_saved_with_a_version_and_a_stale_save_is_refused(world):
    app = register(world)
    user = world.users.commune_reporter
    explanation = "Đã tổ chức tuyên truyền".replace("ư", "u\u031b")  # decomposed
    app = services.save_answers(app, {"X1.1": {"value": True, "explanation": explanation}},
                                version=app.version, actor=user)  # fmt: skip
    answer = app.answers.get(indicator="X1.1")
    assert answer.explanation == "Đã tổ chức tuyên truyền"  # NFC
    assert answer.history.latest().history_user == user
    with pytest.raises(StaleVersion):
        services.save_answers(app, {"X1.1": {"value": False}}, version=app.version - 1,
                              actor=user)  # fmt: skip
    assert app.answers.get(indicator="X1.1").value is True


def test_a_none_value_never_erases_a_saved_one(world):
    app = register(world)
    user = world.users.commune_reporter
    app = services.save_answers(app, {"X5.1": {"value": {"num": 70, "den": 100}}},
                                version=app.version, actor=user)  # fmt: skip
    app = services.save_answers(app, {"X5.1": {"value": None, "explanation": "Theo danh sách"}},
                                version=app.version, actor=user)  # fmt: skip
    answer = app.answers.get(indicator="X5.1")
    assert (answer.value, answer.explanation) == ({"num": 70, "den": 100}, "Theo danh sách")


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("X5.1", {"num": 101, "den": 100}, "larger than the total"),
        ("X5.1", {"num": -1, "den": 100}, "cannot be negative"),
        ("X5.1", {"num": "12,5", "den": 100}, "whole number"),
        ("X5.1", {"num": "nhiều", "den": 100}, "not a number"),
        ("X5.2", {"trained": 60, "university": 70, "den": 65}, "larger than the total"),
        ("X5.1", {"share": 1}, "unknown parts"),
        ("X1.1", "có", "yes or no"),
        ("X4.2", -2, "cannot be negative"),
        ("X9.9", True, "not an indicator"),
    ],
)
def test_a_value_that_cannot_be_right_is_refused_naming_the_indicator(world, code, value, message):
    app = register(world)
    with pytest.raises(RecognitionError, match=message) as refused:
        services.save_answers(app, {code: {"value": value}}, version=app.version,
                              actor=world.users.commune_reporter)  # fmt: skip
    assert code in str(refused.value)
    app.refresh_from_db()
    assert app.version == 1 and not app.answers.exists()  # all or nothing


def test_numbers_are_read_as_typed_in_vietnamese(world):
    app = register(world)
    typed = {"X5.1": {"value": {"num": "1.234", "den": "2.000"}}}
    user = world.users.commune_reporter
    app = services.save_answers(app, typed, version=app.version, actor=user)
    assert app.answers.get(indicator="X5.1").value == {"num": 1234, "den": 2000}


def test_an_unknown_level_word_is_refused(world):
    app = register(world, world.users.unit_reporter, unit=world.tree.education,
                   model="dvht_district", unit_kind="school")  # fmt: skip
    with pytest.raises(RecognitionError, match="U3.4"):
        services.save_answers(app, {"U3.4": {"value": "excellent"}}, version=app.version,
                              actor=world.users.unit_reporter)  # fmt: skip
    app = services.save_answers(app, {"U3.4": {"value": "basic"}}, version=app.version,
                                actor=world.users.unit_reporter)  # fmt: skip
    assert app.answers.get(indicator="U3.4").value == "basic"


def test_a_typed_value_turns_a_linked_answer_typed_unless_it_equals_it(world):
    app = register(world)
    user = world.users.commune_reporter
    Answer.objects.create(application=app, indicator="X4.2", value=2,
                          source=Answer.Source.LINKED, source_note="PCGD")  # fmt: skip
    app = services.save_answers(app, {"X4.2": {"value": 2}}, version=app.version, actor=user)
    assert app.answers.get(indicator="X4.2").source == Answer.Source.LINKED
    app = services.save_answers(app, {"X4.2": {"value": 3}}, version=app.version, actor=user)
    answer = app.answers.get(indicator="X4.2")
    assert (answer.source, answer.value, answer.source_note) == ("typed", 3, "")


def test_unlink_turns_a_linked_answer_typed_keeping_its_value(world):
    app = register(world)
    Answer.objects.create(application=app, indicator="X4.4", value=1,
                          source=Answer.Source.LINKED, source_note="XMC")  # fmt: skip
    typed = {"X4.4": {"value": None, "unlink": True}}
    user = world.users.commune_reporter
    app = services.save_answers(app, typed, version=app.version, actor=user)
    answer = app.answers.get(indicator="X4.4")
    assert (answer.source, answer.value) == ("typed", 1)


def test_answers_cannot_change_once_submitted(world):
    app = make(world, "submitted")
    with pytest.raises(RecognitionError, match="submitted"):
        services.save_answers(app, {"X1.1": {"value": False}}, version=app.version,
                              actor=world.users.superuser)  # fmt: skip


@pytest.mark.parametrize("who", ["other_district", "commune_reporter", "viewer"])
def test_another_communes_user_cannot_save_answers(world, who):
    app = register(world, world.users.district_admin, unit=world.tree.commune_a2)
    with pytest.raises(Http404):
        services.save_answers(app, {"X1.1": {"value": True}}, version=app.version,
                              actor=getattr(world.users, who))  # fmt: skip
    assert not app.answers.exists()


# --- evidence -----------------------------------------------------------------------------


def test_evidence_is_checked_by_content(world):
    app = register(world)
    user = world.users.commune_reporter
    upload = SimpleUploadedFile("bien-ban.pdf", testing.PDF_BYTES)
    evidence = services.attach_evidence(app, upload, indicator="X1.1", actor=user)
    assert (evidence.kind, evidence.indicator, evidence.uploaded_by) == ("pdf", "X1.1", user)
    fake_pdf = SimpleUploadedFile("gia-mao.pdf", b"just text, not a PDF")
    with pytest.raises(RecognitionError, match="accepted"):
        services.attach_evidence(app, fake_pdf, indicator="X1.1", actor=user)
    with pytest.raises(Http404):
        services.attach_evidence(app, upload, indicator="X1.1", actor=world.users.other_district)
    services.remove_evidence(evidence, actor=user)
    assert not app.evidence.exists()


# --- review and submission ----------------------------------------------------------------


def test_submission_needs_the_review_meeting(world):
    app = register(world)
    testing.answer_all(app, testing.PASSING[testing.TT25][1])
    with pytest.raises(RecognitionError):
        services.submit(app, version=app.version, actor=world.users.commune_reporter)
    with pytest.raises(RecognitionError, match="future"):
        services.record_review(app, held_on=datetime.date.today() + datetime.timedelta(days=1),
                               chair="A", participants="B", conclusion="C",
                               actor=world.users.commune_reporter)  # fmt: skip


def test_submit_freezes_the_evaluation_with_the_set_and_version(world):
    app = make(world, "submitted")
    assert app.status == Status.SUBMITTED and app.submitted_at is not None
    assert app.result["level"] == 1
    assert app.result["criteria_set"] == testing.TT25
    assert app.result["version"] == app.criteria_set.version
    assert app.result["counted"] == []


def test_submission_is_refused_listing_indicators_without_data(world):
    app = make(world, "reviewed")
    Answer.objects.filter(application=app, indicator__in=["X5.1", "X2.2"]).delete()
    with pytest.raises(RecognitionError, match="no data") as refused:
        services.submit(app, version=app.version, actor=world.users.superuser)
    assert sorted(refused.value.items) == ["X2.2", "X5.1"]


def test_under_tt25_an_indicator_without_evidence_blocks_submission(world):
    app = make(world, "reviewed")
    app.evidence.filter(indicator="X3.1").delete()
    with pytest.raises(RecognitionError) as refused:
        services.submit(app, version=app.version, actor=world.users.superuser)
    assert refused.value.items == ["X3.1"]


def test_under_tt24_an_indicator_without_evidence_counts_not_met(world):
    app = testing.application(world.tree.education, world.users.superuser, code=testing.TT24,
                              upto="reviewed")  # fmt: skip
    app.evidence.filter(indicator="U2.1").delete()
    with pytest.raises(RecognitionError, match="not met") as refused:
        services.submit(app, version=app.version, actor=world.users.superuser)
    assert refused.value.items == ["U2.1"]
    result = services.frozen_result(app)
    assert result["levels"]["1"]["criteria"]["U2"]["indicators"]["U2.1"] == "not_met"
    assert result["without_evidence"] == ["U2.1"] and result["level"] == 0


def test_a_unit_applies_at_the_level_it_meets(world):
    app = testing.application(world.tree.commune_a1, world.users.superuser, level=2,
                              upto="registered")  # fmt: skip
    testing.answer_all(app, testing.PASSING[testing.TT25][1])  # meets level 1 only
    services.record_review(app, held_on=DAY, chair="A", participants="B", conclusion="C",
                           actor=world.users.superuser)  # fmt: skip
    app.refresh_from_db()
    with pytest.raises(RecognitionError, match="level 2 is not met") as refused:
        services.submit(app, version=app.version, actor=world.users.superuser)
    assert set(refused.value.items) == {"X4.2", "X4.3", "X4.4", "X5.1", "X5.2"}


def test_a_stale_submission_is_refused(world):
    app = make(world, "reviewed")
    with pytest.raises(StaleVersion):
        services.submit(app, version=app.version - 1, actor=world.users.superuser)


# --- the office ---------------------------------------------------------------------------


def test_the_office_returns_with_a_reason_and_the_unit_submits_again(world):
    app = make(world, "submitted")
    admin = world.users.district_admin
    with pytest.raises(Http404):
        services.return_application(app, reason="Thiếu", version=app.version,
                                    actor=world.users.commune_reporter)  # fmt: skip
    with pytest.raises(RecognitionError, match="why"):
        services.return_application(app, reason="  ", version=app.version, actor=admin)
    app = services.return_application(app, reason="Thiếu biên bản", version=app.version,
                                      actor=admin)  # fmt: skip
    assert (app.status, app.return_reason) == (Status.RETURNED, "Thiếu biên bản")
    assert app.history.latest().history_user == admin
    app = services.submit(app, version=app.version, actor=world.users.commune_reporter)
    assert app.status == Status.SUBMITTED and app.return_reason == ""


def test_another_districts_office_cannot_act(world):
    app = make(world, "submitted")
    with pytest.raises(Http404):
        services.form_council(app, formed_on=DAY, formation_number="1",
                              members=testing.council_members(),
                              actor=world.users.other_district)  # fmt: skip


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (testing.council_members(3), "at least 5"),
        (testing.council_members(6), "odd number"),
        ([*testing.council_members(4), {"name": "X", "position": "", "role": "chair"}],
         "one chair"),
        ([{**m, "role": "member"} if m["role"] == "secretary" else m
          for m in testing.council_members(5)], "one secretary"),
        ([*testing.council_members(4), {"name": " ", "position": "", "role": "member"}],
         "name"),
    ],
)  # fmt: skip
def test_council_size_and_roles(world, members, message):
    app = make(world, "submitted")
    with pytest.raises(RecognitionError, match=message):
        services.form_council(app, formed_on=DAY, formation_number="1", members=members,
                              actor=world.users.district_admin)  # fmt: skip


def test_a_council_of_seven_is_formed(world):
    app = make(world, "submitted")
    council = services.form_council(app, formed_on=DAY, formation_number="02/QĐ",
                                    members=testing.council_members(7),
                                    actor=world.users.district_admin)  # fmt: skip
    assert council.members.count() == 7
    app.refresh_from_db()
    assert app.status == Status.IN_COUNCIL


def test_the_opinion_checks_the_version(world):
    app = make(world, "in_council")
    with pytest.raises(StaleVersion):
        services.record_opinion(
            app,
            met_on=DAY,
            opinion="Đạt",
            recommendation="recognise",
            version=app.version - 1,
            actor=world.users.district_admin,
        )


def test_a_decision_of_recognition(world, published):
    app = make(world, "opinion")
    decision = services.decide(app, outcome="recognised", number="15/QĐ-PGDĐT", signed_on=DAY,
                               signer="Nguyễn Văn A", actor=world.users.district_admin)  # fmt: skip
    app.refresh_from_db()
    assert app.status == Status.RECOGNISED
    assert (decision.level, decision.valid_until) == (1, 2027)
    assert decision.result == app.result and decision.result["criteria_set"] == testing.TT25
    assert [a.pk for a in published] == [app.pk]


def test_recognition_needs_the_councils_recommendation(world, published):
    app = make(world, "in_council")
    with pytest.raises(RecognitionError, match="council's opinion"):
        services.decide(app, outcome="refused", number="1", signed_on=DAY, signer="A",
                        reasons="Không đạt", actor=world.users.district_admin)  # fmt: skip
    services.record_opinion(app, met_on=DAY, opinion="Chưa đạt X5", recommendation="refuse",
                            version=app.version, actor=world.users.district_admin)  # fmt: skip
    with pytest.raises(RecognitionError, match="did not recommend"):
        services.decide(app, outcome="recognised", number="1", signed_on=DAY, signer="A",
                        actor=world.users.district_admin)  # fmt: skip


def test_a_refusal_states_its_reasons(world, published):
    app = make(world, "opinion")
    admin = world.users.district_admin
    with pytest.raises(RecognitionError, match="reasons"):
        services.decide(app, outcome="refused", number="2/PGDĐT", signed_on=DAY, signer="A",
                        actor=admin)  # fmt: skip
    decision = services.decide(app, outcome="refused", number="2/PGDĐT", signed_on=DAY,
                               signer="A", reasons="Tỷ lệ công dân học tập chưa đạt",
                               actor=admin)  # fmt: skip
    app.refresh_from_db()
    assert app.status == Status.REFUSED
    assert (decision.level, decision.valid_until) == (None, None)
    with pytest.raises(RecognitionError):
        services.decide(app, outcome="refused", number="3", signed_on=DAY, signer="A",
                        reasons="x", actor=admin)  # fmt: skip
    assert Decision.objects.count() == 1


def test_the_applicant_cannot_decide(world, published):
    app = make(world, "opinion")
    with pytest.raises(Http404):
        services.decide(app, outcome="recognised", number="1", signed_on=DAY, signer="A",
                        actor=world.users.commune_reporter)  # fmt: skip


def test_withdraw_before_the_council_only(world):
    app = make(world, "in_council")
    with pytest.raises(RecognitionError):
        services.withdraw(app, version=app.version, actor=world.users.superuser)
    other = register(world, unit=world.tree.commune_a2, user=world.users.district_admin)
    with pytest.raises(Http404):
        services.withdraw(other, version=other.version, actor=world.users.commune_reporter)
    other = services.withdraw(other, version=other.version, actor=world.users.district_admin)
    assert other.status == Status.WITHDRAWN


def test_may_follows_scope_and_status(world):
    app = register(world)
    users = world.users
    assert services.may(users.commune_reporter, "edit", app)
    assert services.may(users.viewer, "view", app)
    assert not services.may(users.viewer, "edit", app)
    assert not services.may(users.other_district, "view", app)
    assert not services.may(users.commune_reporter, "decide", app)
    assert not services.may(users.district_admin, "decide", app)  # not before the council
    app = make(world, "opinion", year=2023)
    assert services.may(users.district_admin, "decide", app)
    assert not services.may(users.commune_reporter, "decide", app)
    assert not services.may(users.commune_reporter, "edit", app)


def test_a_vocational_institution_types_its_learners_share_beside_u3_1(world):
    """U3.1_learners is no indicator of its own but a rate U3.1 also needs of a vocational
    institution: it is typed, checked and read by the engine under its own key."""
    user = world.users.superuser
    app = testing.application(world.tree.education, user, code=testing.TT24,
                              unit_kind="vocational")  # fmt: skip
    testing.answer_all(app, testing.PASSING[testing.TT24][1], actor=user)
    app.refresh_from_db()
    short = {"U3.1_learners": {"value": {"num": 94, "den": 100}}}
    app = services.save_answers(app, short, version=app.version, actor=user)
    u3_1 = services.evaluation(app)["levels"]["1"]["criteria"]["U3"]["indicators"]["U3.1"]
    assert u3_1 == "not_met"
    enough = {"U3.1_learners": {"value": {"num": 95, "den": 100}}}
    app = services.save_answers(app, enough, version=app.version, actor=user)
    assert services.evaluation(app)["levels"]["1"]["criteria"]["U3"]["indicators"]["U3.1"] == "met"
    with pytest.raises(RecognitionError):
        services.save_answers(app, {"U3.1_learners": {"value": {"num": 101, "den": 100}}},
                              version=app.version, actor=user)  # fmt: skip
