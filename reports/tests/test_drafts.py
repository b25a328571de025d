"""Drafts: saved with a version, history and NFC text; a stale save never overwrites; a blank
keeps the saved text unless it is cleared on purpose."""

from __future__ import annotations

import unicodedata

import pytest

from reports import services
from reports.models import ReportDraft
from reports.yearly import NARRATIVE_SECTIONS

from .conftest import YEAR


def _save(world, changes, version=None, actor=None, unit=None):
    return services.save_draft(world.plan.plan, unit or world.tree.district_a, YEAR, changes,
                               actor=actor or world.users.district_admin,
                               expected_version=version)  # fmt: skip


def test_a_new_draft_is_prefilled_from_the_data_and_the_unit(world):
    draft = services.draft_for(world.plan.plan, world.tree.district_a, YEAR)
    assert draft.pk is None and draft.version == 0
    assert set(draft.narrative) == {key for key, _title in NARRATIVE_SECTIONS}
    assert any(text.strip() for text in draft.narrative.values())
    assert draft.issuer_name and draft.recipients
    # The test plan is the steering committee's (08/KH-BCĐ): the district's report on it
    # starts in the committee's own series, signed in the advisory form (reference §4).
    assert draft.symbol == "BC-BCĐ"
    assert draft.issuer_name == world.plan.plan.issuer
    assert draft.signer_position == "TRƯỞNG BAN" and draft.signer_authority == []


def test_a_communes_draft_starts_in_its_committees_series(world):
    draft = services.draft_for(world.plan.plan, world.tree.commune_a1, YEAR)
    assert draft.symbol == "BC-UBND" and not draft.signer_host_position


def test_a_short_report_goes_to_the_office_above(world):
    draft = services.draft_for(world.plan.plan, world.tree.commune_a1, YEAR)
    assert not services.is_office_report(world.plan.plan, world.tree.commune_a1)
    assert draft.recipients


def test_saving_counts_versions_and_keeps_history(world):
    first = _save(world, services.DraftChanges(narrative={"direction": "Bản một."}), version=0)
    second = _save(world, services.DraftChanges(narrative={"direction": "Bản hai."}), version=1)
    assert (first.version, second.version) == (1, 2)
    assert ReportDraft.objects.count() == 1
    history = list(second.history.order_by("history_date").values_list("narrative", flat=True))
    assert [h["direction"] for h in history] == ["Bản một.", "Bản hai."]
    assert second.history.first().history_user == world.users.district_admin


def test_a_stale_save_is_refused_and_changes_nothing(world):
    _save(world, services.DraftChanges(narrative={"direction": "Của người thứ nhất."}), version=0)
    with pytest.raises(services.ReportRefused) as refused:
        _save(world, services.DraftChanges(narrative={"direction": "Của người thứ hai."}),
              version=0)  # fmt: skip
    assert refused.value.stale
    draft = ReportDraft.objects.get()
    assert draft.narrative["direction"] == "Của người thứ nhất." and draft.version == 1


def test_a_blank_keeps_the_saved_text_unless_it_is_cleared(world):
    _save(world, services.DraftChanges(narrative={"funding": "Ngân sách 100 triệu."},
                                       fields={"filing": "Lưu: VT, VHXH."}))  # fmt: skip
    kept = _save(world, services.DraftChanges(narrative={"funding": "  "}, fields={"filing": ""}))
    assert kept.narrative["funding"] == "Ngân sách 100 triệu."
    assert kept.filing == "Lưu: VT, VHXH."
    cleared = _save(world, services.DraftChanges(
        narrative={"funding": ""}, fields={"filing": ""},
        cleared=frozenset({"narrative.funding", "filing"})))  # fmt: skip
    assert cleared.narrative["funding"] == "" and cleared.filing == ""


def test_text_is_stored_in_nfc_and_recipients_without_their_punctuation(world):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Đào")
    draft = _save(world, services.DraftChanges(fields={
        "signer_name": decomposed,
        "recipients": "- Sở Giáo dục và Đào tạo;\n\n- UBND thành phố.",
        "signer_authority": "tm. ủy ban nhân dân\nKT. CHỦ TỊCH",
    }))  # fmt: skip
    assert draft.signer_name == unicodedata.normalize("NFC", "Nguyễn Thị Đào")
    assert draft.recipients == ["Sở Giáo dục và Đào tạo", "UBND thành phố"]
    assert draft.signer_authority == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"]


def test_an_authority_line_without_a_prefix_is_refused(world):
    with pytest.raises(services.ReportRefused) as refused:
        _save(world, services.DraftChanges(fields={"signer_authority": ["CHỦ TỊCH UBND"]}))
    assert set(refused.value.errors) == {"signer_authority"}
    assert not ReportDraft.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "commune_reporter", "unit_reporter", "other_district",
                                  "no_unit"])  # fmt: skip
def test_only_the_office_writes_the_office_report(world, role):
    with pytest.raises(services.NotAllowed):
        _save(world, services.DraftChanges(), actor=getattr(world.users, role))


def test_a_commune_writes_its_own_short_report_and_not_another_one(world):
    users = world.users
    _save(world, services.DraftChanges(narrative={"tasks": "Xã đã tổ chức."}),
          actor=users.commune_reporter, unit=world.tree.commune_a1)  # fmt: skip
    with pytest.raises(services.NotAllowed):
        _save(world, services.DraftChanges(), actor=users.commune_reporter,
              unit=world.tree.commune_a2)  # fmt: skip
    with pytest.raises(services.NotAllowed):
        _save(world, services.DraftChanges(), actor=users.unit_reporter,
              unit=world.tree.commune_a1)  # fmt: skip


def test_a_bodys_default_symbol_with_vietnamese_capitals_is_accepted(world):
    association = world.tree.association  # "Hội Khuyến học huyện": BC-KHUYẾNHỌCHUYỆN
    draft = services.save_draft(world.plan.plan, association, YEAR, services.DraftChanges(),
                                actor=world.users.district_admin)  # fmt: skip
    assert draft.symbol.startswith("BC-") and draft.symbol != "BC-"
    assert draft.version == 1
