"""The round's write paths: save, submit, return, approve, reopen, and the version check."""

from __future__ import annotations

from decimal import Decimal

import pytest

from collection import services
from collection.models import Submission
from indicators.models import DataValue, SubtreeTotal

P, L = ("persons", "", "15-60"), ("literate_persons", "", "15-60")


def test_the_round_owes_one_draft_per_commune(collection):
    assert set(collection.submissions) == {"C-A1", "C-A2"}
    assert {s.status for s in collection.submissions.values()} == {"draft"}


def test_a_commune_reporter_saves_submits_and_the_office_approves(world, collection):
    reporter, office = world.users.commune_reporter, world.users.district_admin
    submission = collection.submissions["C-A1"]
    result = services.save_entries(submission, {P: "1.100", L: "1.099"}, actor=reporter)
    assert result.problems == []  # 1,100 is 10% above 2019's 1,000: within 20%
    services.submit(submission, actor=reporter)
    services.approve(submission, actor=office)
    stored = DataValue.objects.get(unit=world.tree.commune_a1, period__year=2020,
                                   element__code="persons")  # fmt: skip
    assert stored.value == Decimal("1100")
    assert Submission.objects.get(pk=submission.pk).status == "approved"


def test_a_hard_rule_blocks_the_submission_and_names_the_field(world, collection):
    reporter = world.users.commune_reporter
    submission = collection.submissions["C-A1"]
    services.save_entries(submission, {P: "1000", L: "1001"}, actor=reporter)
    with pytest.raises(services.SubmissionRefused) as refused:
        services.submit(submission, actor=reporter)
    assert [p.rule for p in refused.value.problems] == ["literate-le-persons"]
    assert "1001" in refused.value.problems[0].message


def test_a_warning_needs_an_explanation_before_submission(world, collection):
    reporter = world.users.commune_reporter
    submission = collection.submissions["C-A1"]
    services.save_entries(submission, {P: "1.500", L: "1.400"}, actor=reporter)
    with pytest.raises(services.SubmissionRefused):
        services.submit(submission, actor=reporter)
    services.save_entries(submission, {}, {P: "Sáp nhập thôn mới"}, actor=reporter)
    assert services.submit(submission, actor=reporter).status == "submitted"


def test_text_that_is_no_number_is_not_saved_and_comes_back(world, collection):
    result = services.save_entries(
        collection.submissions["C-A1"], {P: "một nghìn", L: "99,5"},
        actor=world.users.commune_reporter,
    )  # fmt: skip
    assert result.unreadable == {P: "một nghìn"}
    assert services.current_values(result.submission) == {L: Decimal("99.5")}


def test_the_second_of_two_saves_from_one_version_is_refused(world, collection):
    reporter = world.users.commune_reporter
    submission = collection.submissions["C-A1"]
    version = submission.version
    services.save_entries(submission, {P: "1000"}, actor=reporter, expected_version=version)
    with pytest.raises(services.SubmissionRefused) as refused:
        services.save_entries(submission, {P: "2000"}, actor=reporter, expected_version=version)
    assert refused.value.stale
    assert services.current_values(submission)[P] == Decimal("1000")


def test_a_returned_form_is_corrected_resubmitted_and_approved(world, collection):
    reporter, office = world.users.commune_reporter, world.users.district_admin
    submission = collection.submissions["C-A1"]
    services.save_entries(submission, {P: "1000", L: "990"}, actor=reporter)
    services.submit(submission, actor=reporter)
    services.return_submission(submission, actor=office, comment="Kiểm tra lại số biết chữ")
    services.save_entries(submission, {L: "995"}, actor=reporter)
    services.submit(submission, actor=reporter)
    services.approve(submission, actor=office)
    steps = [
        (h.status, h.history_change_reason or "")
        for h in submission.history.order_by("history_date")
    ]
    assert ("returned", "Kiểm tra lại số biết chữ") in steps and steps[-1][0] == "approved"


def test_an_approved_form_is_locked_until_the_office_reopens_it(world, collection):
    reporter, office = world.users.commune_reporter, world.users.district_admin
    submission = collection.submissions["C-A1"]
    services.save_entries(submission, {P: "1000", L: "990"}, actor=reporter)
    services.submit(submission, actor=reporter)
    services.approve(submission, actor=office)
    with pytest.raises(services.SubmissionRefused):
        services.save_entries(submission, {L: "991"}, actor=reporter)
    services.reopen(submission, actor=office, reason="Sửa số liệu theo kiểm tra")
    services.save_entries(submission, {L: "991"}, actor=reporter)


def test_a_reporter_cannot_approve_nor_write_another_communes_form(world, collection):
    reporter = world.users.commune_reporter
    with pytest.raises(services.NotAllowed):
        services.save_entries(collection.submissions["C-A2"], {P: "1"}, actor=reporter)
    submission = collection.submissions["C-A1"]
    services.save_entries(submission, {P: "1000", L: "990"}, actor=reporter)
    services.submit(submission, actor=reporter)
    with pytest.raises(services.NotAllowed):
        services.approve(submission, actor=reporter)
    with pytest.raises(services.NotAllowed):
        services.approve(submission, actor=world.users.unit_reporter)


def test_a_long_comment_is_kept_whole_in_the_history(world, collection):
    reporter, office = world.users.commune_reporter, world.users.district_admin
    submission = collection.submissions["C-A1"]
    services.save_entries(submission, {P: "1000", L: "990"}, actor=reporter)
    services.submit(submission, actor=reporter)
    comment = "Đề nghị xã rà soát lại số người biết chữ theo phiếu điều tra hộ gia đình " * 3
    services.return_submission(submission, actor=office, comment=comment)
    assert submission.history.latest().history_change_reason == comment.strip()


def test_a_figure_cleared_after_a_reopen_leaves_the_store_when_approved_again(world, collection):
    reporter, office = world.users.commune_reporter, world.users.district_admin
    submission = collection.submissions["C-A1"]
    officials = ("officials", "", "")

    def district_total():
        above = SubtreeTotal.objects.filter(unit=world.tree.district_a, period__year=2020)
        return above.filter(element__code="officials").values_list("total", flat=True).first()

    before = district_total()
    services.save_entries(submission, {P: "1000", L: "990", officials: "12"}, actor=reporter)
    services.submit(submission, actor=reporter)
    services.approve(submission, actor=office)
    stored = DataValue.objects.filter(unit=world.tree.commune_a1, element__code="officials")
    assert stored.get().value == 12 and district_total() == (before or 0) + 12
    services.reopen(submission, actor=office, reason="Số cán bộ nhập nhầm")
    services.save_entries(submission, {officials: ""}, actor=reporter)
    services.submit(submission, actor=reporter)
    assert stored.exists()  # the approved value stays until the new one is approved
    services.approve(submission, actor=office)
    assert not stored.exists()
    removed = DataValue.history.filter(unit=world.tree.commune_a1, element__code="officials")
    assert removed.latest("history_date").history_type == "-"
    assert removed.latest("history_date").history_user == office
    # The district's total is back to what it was before the commune's figure.
    assert district_total() == before


def _submitted(world, collection, code: str, typed: dict) -> Submission:
    reporter = world.users.commune_reporter if code == "C-A1" else world.users.district_admin
    submission = collection.submissions[code]
    services.save_entries(submission, typed, actor=reporter)
    return services.submit(submission, actor=reporter)


def test_an_approved_value_names_the_form_the_unit_who_typed_it_and_the_approver(world, collection):
    office = world.users.district_admin
    submission = _submitted(world, collection, "C-A1", {P: "1000", L: "990"})
    services.approve(submission, actor=office)
    stored = DataValue.objects.get(unit=world.tree.commune_a1, period__year=2020,
                                   element__code="literate_persons")  # fmt: skip
    record = stored.history.latest("history_date")
    assert record.history_user == office
    assert f"Biểu mẫu số {submission.pk}" in record.origin
    assert collection.data_set.name in record.origin
    assert world.tree.commune_a1.display_name in record.origin
    assert world.users.commune_reporter.get_username() in record.origin
    assert office.get_username() in record.origin
    assert record.history_change_reason == f"Duyệt biểu mẫu số {submission.pk}"
    assert stored.get_source_display() != "nhập trực tiếp"


def test_approving_a_form_takes_the_same_queries_whatever_its_number_of_entries(world, collection):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officials, it = ("officials", "", ""), ("officials_it_programme", "", "")
    small = _submitted(world, collection, "C-A1", {P: "1000", L: "990", officials: "10"})
    large = _submitted(world, collection, "C-A2", {P: "500", L: "490", officials: "8", it: "4"})
    office = world.users.district_admin
    with CaptureQueriesContext(connection) as three_entries:
        services.approve(small, actor=office)
    with CaptureQueriesContext(connection) as four_entries:
        services.approve(large, actor=office)
    assert len(three_entries.captured_queries) == len(four_entries.captured_queries)
    # 26 since the write holds its units before reading (two writers of one new value).
    assert len(four_entries.captured_queries) <= 26
    # The bulk write kept the district's totals exact.
    total = SubtreeTotal.objects.get(unit=world.tree.district_a, period__year=2020,
                                     element__code="officials")  # fmt: skip
    assert total.total == 10 + 8 + 20 + 5  # the two communes, education and the association


def test_a_form_with_a_value_the_store_refuses_is_not_approved_and_writes_nothing(
    world, collection
):
    submission = _submitted(world, collection, "C-A1", {P: "1000", L: "990"})
    # A value that slipped past the form (an older import): a count cannot be fractional.
    submission.entries.filter(element__code="literate_persons").update(value=Decimal("990.5"))
    before = list(DataValue.objects.order_by("pk").values_list("pk", "value"))
    with pytest.raises(services.SubmissionRefused) as refused:
        services.approve(submission, actor=world.users.district_admin)
    assert "Số người biết chữ" in str(refused.value)
    assert list(DataValue.objects.order_by("pk").values_list("pk", "value")) == before
    assert Submission.objects.get(pk=submission.pk).status == "submitted"
