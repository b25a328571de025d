"""reports.changes, pure: figures compared row by row under their keys."""

from __future__ import annotations

from reports.changes import compare, figure_changes


def snapshot(figures, values=(), rule_sets=(), rounds=()):
    return {"figures": figures, "values": [list(v) for v in values],
            "rule_sets": [list(r) for r in rule_sets], "rounds": [list(r) for r in rounds],
            "approved_through": "2021-01-15"}  # fmt: skip


def test_equal_snapshots_have_no_change():
    s = snapshot({"targets": {"t1": {"label": "Xóa mù chữ", "value": "99,5", "status": "met"}}})
    assert compare(s, s).unchanged


def test_a_changed_value_names_its_row_field_old_and_new():
    old = {"targets": {"t1": {"label": "Xóa mù chữ", "value": "11/12", "status": "not_met"}}}
    new = {"targets": {"t1": {"label": "Xóa mù chữ", "value": "12/12", "status": "met"}}}
    found = [(c.part, c.row, c.label, c.field, c.old, c.new) for c in figure_changes(old, new)]
    assert found == [
        ("targets", "t1", "Xóa mù chữ", "value", "11/12", "12/12"),
        ("targets", "t1", "Xóa mù chữ", "status", "not_met", "met"),
    ]


def test_rows_added_and_removed_are_listed():
    old = {"communes": {"C-A1": {"name": "Xã A1", "level": "2"}}}
    new = {"communes": {"C-A2": {"name": "Thị trấn A2", "level": "1"}}}
    found = [(c.row, c.old is None, c.new is None) for c in figure_changes(old, new)]
    assert found == [("C-A1", False, True), ("C-A2", True, False)]


def test_the_store_rule_sets_and_rounds_are_summarised():
    old = snapshot({}, values=[(1, "10", "t"), (2, "5", "t")], rule_sets=[("pcgd", 1)],
                   rounds=[("bc-2020", "approved")])  # fmt: skip
    new = snapshot({}, values=[(1, "11", "u"), (3, "7", "u")], rule_sets=[("pcgd", 2)],
                   rounds=[("bc-2020", "returned")])  # fmt: skip
    result = compare(old, new)
    assert (result.values_changed, result.values_added, result.values_removed) == (1, 1, 1)
    assert [(c.code, c.old, c.new) for c in result.rule_sets] == [("pcgd", 1, 2)]
    assert [(c.code, c.old, c.new) for c in result.rounds] == [("bc-2020", "approved", "returned")]
    assert not result.unchanged
