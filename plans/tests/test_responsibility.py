"""Who leads and who partners: a party's roles and the matrix, without a database."""

from __future__ import annotations

from plans.responsibility import DutyRow, involvements, matrix_rows, responsibility_matrix

EDU, ASSOC, HOME, COMMUNES, A1 = "unit:edu", "unit:assoc", "unit:home", "group:communes", "unit:a1"

DUTIES = [
    # Education leads, with the association as partner ("chủ trì, phối hợp với Hội Khuyến học").
    DutyRow(1, EDU, "lead", frozenset({ASSOC}), frozenset({"1"})),
    # Education partners the association ("phối hợp với Hội Khuyến học"): the association leads.
    DutyRow(2, EDU, "partner", frozenset({ASSOC}), frozenset({"2"})),
    DutyRow(3, ASSOC, "lead", frozenset({HOME}), frozenset({"1"})),
    DutyRow(4, COMMUNES, "lead", frozenset(), frozenset({"2"})),
    DutyRow(5, COMMUNES, "partner", frozenset({EDU}), frozenset()),
]


def roles(party, groups_of=None):
    return {(i.duty_id, i.role, i.own, i.via) for i in involvements(party, DUTIES, groups_of)}


def test_a_body_holds_its_own_duties_with_their_role():
    assert {(d, r) for d, r, own, _v in roles(EDU) if own} == {(1, "lead"), (2, "partner")}


def test_a_body_named_in_a_duty_it_does_not_lead_is_a_partner_there():
    assert (1, "partner", False, None) in roles(ASSOC)


def test_a_body_named_in_a_duty_whose_body_partners_leads_there():
    assert (2, "lead", False, None) in roles(ASSOC)
    assert (5, "lead", False, None) in roles(EDU)


def test_a_member_of_a_group_takes_part_in_the_groups_duties():
    assert roles(A1, {A1: [COMMUNES]}) == {
        (4, "lead", True, COMMUNES),
        (5, "partner", True, COMMUNES),
    }


def test_a_body_outside_every_duty_has_none():
    assert roles("unit:nobody") == set()


def test_the_rows_are_the_clause_parties_then_the_bodies_only_named():
    assert matrix_rows([EDU, ASSOC, COMMUNES], DUTIES) == (EDU, ASSOC, COMMUNES, HOME)


def test_each_cell_says_lead_or_partner_and_lead_wins():
    m = responsibility_matrix([EDU, ASSOC, COMMUNES], DUTIES, ["1", "2", "3"])
    assert m.columns == ("1", "2", "3")
    assert [m.cell(EDU, c) for c in m.columns] == ["lead", "partner", ""]
    assert [m.cell(ASSOC, c) for c in m.columns] == ["lead", "lead", ""]
    assert [m.cell(HOME, c) for c in m.columns] == ["partner", "", ""]
    assert [m.cell(COMMUNES, c) for c in m.columns] == ["", "lead", ""]


def test_a_duty_serving_no_task_marks_no_cell():
    m = responsibility_matrix([COMMUNES], [DUTIES[4]], ["1"])
    assert m.rows == (COMMUNES, EDU)
    assert m.cell(EDU, "1") == ""


def test_a_partner_role_never_overrides_a_lead_in_the_same_cell():
    duties = [
        DutyRow(1, EDU, "lead", frozenset(), frozenset({"1"})),
        DutyRow(2, ASSOC, "lead", frozenset({EDU}), frozenset({"1"})),
    ]
    assert responsibility_matrix([EDU, ASSOC], duties, ["1"]).cell(EDU, "1") == "lead"
