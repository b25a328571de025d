"""Rule sets: the shipped one loads with the decided thresholds; a malformed one is refused by
name and place; the newest active rule set in the database is the one the register uses."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from units.models import OrgUnit
from universalization.models import RuleSet
from universalization.queries import communes_under, current_rules, evaluate_units
from universalization.rules import DEFAULT_RULES_PATH, RuleSetError, build, default_rules, load
from universalization.testing import YEAR


def raw() -> dict:
    """The shipped rule set as read from YAML, to be changed by a test."""
    return copy.deepcopy(_RAW)


_RAW = yaml.safe_load(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))


def level(data: dict, standard: str, code: str) -> dict:
    return data["standards"][standard]["levels"][code]


# --- the shipped rule set -----------------------------------------------------------------

# (standard, level) -> {condition: (normal, disadvantaged)}: /tmp/xhht/pcgd-decisions.md §6.
THRESHOLDS = {
    ("preschool5", "1"): {"attending_5": (95, 90), "completed_5": (85, 80)},
    ("primary", "1"): {"grade1_entry_6": (90, 90), "completed_14": (80, 70)},
    ("primary", "2"): {"grade1_entry_6": (95, 95), "completed_11": (80, 70),
                       "in_primary_11_rest": (100, 100)},
    ("primary", "3"): {"grade1_entry_6": (98, 98), "completed_11": (90, 80),
                       "in_primary_11_rest": (100, 100)},
    ("lower_secondary", "1"): {"diploma_15_18": (80, 70)},
    ("lower_secondary", "2"): {"diploma_15_18": (90, 80)},
    ("lower_secondary", "3"): {"diploma_15_18": (95, 90), "studying_15_18": (80, 70)},
    ("literacy", "1"): {"literate1": (90, 90)},
    ("literacy", "2"): {"literate2": (90, 90)},
}  # fmt: skip
REQUIRES = {
    ("primary", "2"): (("primary", "1"),),
    ("primary", "3"): (("primary", "2"),),
    ("lower_secondary", "1"): (("primary", "1"), ("literacy", "1")),
    ("lower_secondary", "2"): (("lower_secondary", "1"),),
    ("lower_secondary", "3"): (("lower_secondary", "2"),),
}
DISTRICT_SHARE = {("lower_secondary", "2"): 95, ("lower_secondary", "3"): 100}


def test_the_shipped_rule_set_loads():
    rules = default_rules()
    assert (rules.code, rules.version) == ("nd20-2014", "2014.1")
    assert list(rules.standards) == ["preschool5", "primary", "lower_secondary", "literacy"]
    assert len(rules.sha256) == 64
    assert rules.counted_residence == {"", "permanent", "temporary"}
    assert rules.excluded_disability == {"cannot_learn"}
    assert build(raw()) == load(DEFAULT_RULES_PATH).__class__(
        **{**vars(rules), "sha256": ""}
    )  # fmt: skip


def test_the_shipped_rule_set_holds_the_decided_thresholds_prerequisites_and_shares():
    rules = default_rules()
    levels = {(s.code, lv): d for s in rules.standards.values() for lv, d in s.levels.items()}
    assert set(levels) == set(THRESHOLDS)
    for key, definition in levels.items():
        conditions = {c.rate: (c.minimum, c.minimum_disadvantaged) for c in definition.conditions}
        assert conditions == THRESHOLDS[key] | {"disability_access": (60, 60)}, key
        assert definition.requires == REQUIRES.get(key, ()), key
        assert definition.district_share == DISTRICT_SHARE.get(key, 90), key
        assert definition.cite.startswith("NĐ 20/2014"), key


def test_the_shipped_rule_sets_cohorts_are_those_decided():
    rates = default_rules().rates
    ages = {code: (r.ages, r.ages_disadvantaged) for code, r in rates.items()}
    assert ages["literate1"] == ((15, 35), (15, 25))
    assert ages["literate2"] == ((15, 60), (15, 35))
    assert ages["diploma_15_18"] == ((15, 18), (15, 18))
    assert ages["disability_access_literacy"] == ((15, 60), (15, 60))
    assert ages["disability_access_lower_secondary"] == ((11, 18), (11, 18))
    empty_holds = {code for code, r in rates.items() if r.holds_when_empty}
    assert empty_holds == {"in_primary_11_rest"} | {c for c in rates if "disability" in c}


# --- malformed rule sets ------------------------------------------------------------------

Change = Callable[[dict], object]


def condition(standard: str, code: str, index: int = 0, **fields) -> Change:
    return lambda d: level(d, standard, code)["conditions"][index].update(fields)


def requires(standard: str, code: str, *pairs: tuple[str, str]) -> Change:
    wanted = [{"standard": s, "level": lv} for s, lv in pairs]
    return lambda d: level(d, standard, code).update(requires=wanted)


def rate(code: str, **fields) -> Change:
    return lambda d: d["rates"][code].update(fields)


MALFORMED = [
    ("unknown rate in a condition", condition("primary", "2", 1, rate="completed_12"),
     ["standards.primary.levels.2", "completed_12"]),
    ("a standard names an unknown rate",
     lambda d: d["standards"]["literacy"]["rates"].update(literate3="literate3"),
     ["standards.literacy", "literate3"]),
    ("unknown condition key", rate("attending_5", counts={"attends": ["preschool"]}),
     ["rates.attending_5.counts", "attends"]),
    ("unknown condition key inside a combinator",
     rate("completed_5", counts={"any": [{"preschool_completed": True}, {"finished": 1}]}),
     ["rates.completed_5.counts", "finished"]),
    ("unknown condition key in among", rate("in_primary_11_rest", among={"nor": {}}),
     ["rates.in_primary_11_rest.among", "nor"]),
    ("a condition with two keys",
     rate("completed_5", counts={"preschool_completed": True, "studying": ["preschool"]}),
     ["rates.completed_5.counts"]),
    ("done on a field that holds no year", rate("grade1_entry_6", counts={"done": "birth_year"}),
     ["rates.grade1_entry_6.counts", "birth_year"]),
    ("an unknown literacy level", rate("literate2", counts={"literate": 3}),
     ["rates.literate2.counts", "3"]),
    ("a bad literacy definition", lambda d: d["literacy"]["1"].update(any=[{"stage": 1}]),
     ["literacy.1", "stage"]),
    ("a prerequisite cycle", requires("primary", "1", ("primary", "3")), ["cycle", "primary"]),
    ("a level requiring itself", requires("literacy", "2", ("literacy", "2")), ["cycle"]),
    ("a cycle across standards", requires("literacy", "1", ("lower_secondary", "1")),
     ["cycle", "lower_secondary", "literacy"]),
    ("requires an unknown level", requires("lower_secondary", "1", ("literacy", "3")),
     ["standards.lower_secondary.levels.1", "literacy level 3"]),
    ("requires an unknown standard", requires("primary", "2", ("preschool3", "1")),
     ["standards.primary.levels.2", "preschool3"]),
    ("ages not a range", rate("attending_5", ages=[10, 5]),
     ["rates.attending_5", "[10, 5]", "not a range"]),
    ("negative ages", rate("attending_5", ages=[-1, 5]), ["rates.attending_5", "not a range"]),
    ("ages not a pair", rate("grade1_entry_6", ages=[6]), ["rates.grade1_entry_6", "[from, to]"]),
    ("ages not numbers", rate("grade1_entry_6", ages="6-6"), ["rates.grade1_entry_6"]),
    ("ages missing", lambda d: d["rates"]["completed_14"].pop("ages"), ["rates.completed_14"]),
    ("disadvantaged ages not a range", rate("literate1", ages_disadvantaged=[25, 15]),
     ["rates.literate1", "not a range"]),
    ("an age rule not implemented", lambda d: d["population"].update(age_rule="birth_date"),
     ["population.age_rule"]),
]  # fmt: skip


@pytest.mark.parametrize(
    "change, places", [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_a_malformed_rule_set_is_refused_naming_the_place(change, places):
    data = raw()
    change(data)
    with pytest.raises(RuleSetError) as refused:
        build(data)
    for place in places:
        assert place in str(refused.value)


def test_a_rule_set_file_missing_a_part_is_refused_naming_the_file(tmp_path):
    data = raw()
    del data["standards"]
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleSetError, match="rules.yaml.*standards"):
        load(path)


MISTYPED = [
    ("a threshold that is not a number", condition("primary", "1", min="abc")),
    ("a district share that is not a number", lambda d: level(d, "primary", "1").update(
        district_share="x")),
    ("levels given as a list", lambda d: d["standards"]["primary"].update(levels=["1", "2"])),
]  # fmt: skip


@pytest.mark.parametrize("change", [m[1] for m in MISTYPED], ids=[m[0] for m in MISTYPED])
def test_a_mistyped_value_is_refused_as_a_rule_set_error(change):
    data = raw()
    change(data)
    with pytest.raises(RuleSetError):
        build(data)


def test_literacy_levels_that_name_each_other_are_refused():
    data = raw()
    data["literacy"]["2"]["any"].append({"literate": 1})
    with pytest.raises(RuleSetError):
        build(data)


def test_a_rate_without_counts_is_refused():
    data = raw()
    data["rates"]["attending_5"]["counts"] = None
    with pytest.raises(RuleSetError, match="rates.attending_5"):
        build(data)


# --- the rule set model -------------------------------------------------------------------


def test_the_rule_set_models_clean_accepts_the_shipped_content(db):
    RuleSet(code="nd20-2014", version="2014.2", content=raw()).full_clean()


@pytest.mark.parametrize(
    "change, place",
    [
        (condition("primary", "2", 1, rate="completed_12"), "standards.primary.levels.2"),
        (requires("primary", "1", ("primary", "3")), "cycle"),
        (rate("attending_5", ages=[10, 5]), "rates.attending_5"),
        (lambda d: d.pop("rates"), "rates"),
        (lambda d: level(d, "primary", "1").update(conditions=["grade1_entry_6"]), ""),
    ],
    ids=["unknown rate", "cycle", "ages", "missing part", "condition not a mapping"],
)
def test_the_rule_set_models_clean_rejects_bad_content(db, change, place):
    data = raw()
    change(data)
    with pytest.raises(ValidationError) as refused:
        RuleSet(code="nd20-2014", version="bad", content=data).clean()
    assert place in " ".join(refused.value.message_dict["content"])


def test_the_rule_set_models_clean_rejects_a_mistyped_threshold(db):
    data = raw()
    condition("primary", "1", min="abc")(data)
    with pytest.raises(ValidationError):
        RuleSet(code="nd20-2014", version="bad", content=data).clean()


# --- which rule set the register uses -----------------------------------------------------


def stricter(version: str, minimum: int = 96) -> dict:
    """The shipped content with preschool attendance at `minimum` % instead of 95 %."""
    data = raw()
    data["version"] = version
    condition("preschool5", "1", 0, min=minimum)(data)
    return data


def preschool_of_a1(year: int = YEAR) -> tuple[str, int]:
    evaluation, _flags = evaluate_units(
        communes_under(OrgUnit.objects.get(code="C-A1"), year), year
    )
    result = evaluation.communes["C-A1"]["preschool5"]
    return result.levels["1"].status, result.level


def test_without_a_rule_set_in_the_database_the_shipped_file_is_used(db):
    assert current_rules() is default_rules()


def test_the_newest_active_rule_set_in_the_database_is_used_and_a_level_flips(register):
    assert preschool_of_a1() == ("met", 1)  # 19 of 20 five-year-olds attend: 95 %
    RuleSet.objects.create(code="nd20-2014", version="2099.1", content=stricter("2099.1"))
    assert current_rules().version == "2099.1"
    assert preschool_of_a1() == ("not_met", 0)


def test_an_inactive_rule_set_is_not_used(register):
    RuleSet.objects.create(
        code="nd20-2014", version="2099.1", content=stricter("2099.1"), active=False
    )
    assert current_rules() is default_rules()
    assert preschool_of_a1() == ("met", 1)


def test_of_two_active_rule_sets_the_one_loaded_last_is_used(register):
    RuleSet.objects.create(code="nd20-2014", version="2099.1", content=stricter("2099.1"))
    RuleSet.objects.create(code="nd20-2014", version="2099.2", content=stricter("2099.2", 95))
    assert current_rules().version == "2099.2"
    assert preschool_of_a1() == ("met", 1)


def test_an_unusable_rule_set_in_the_database_falls_back_to_the_shipped_file(register):
    content = stricter("2099.1")
    del content["standards"]
    RuleSet.objects.create(code="nd20-2014", version="2099.1", content=content)
    assert current_rules() is default_rules()


def test_load_pcgd_rules_makes_a_checked_file_the_only_active_one(register, tmp_path):
    RuleSet.objects.create(code="nd20-2014", version="2099.1", content=stricter("2099.1"))
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(stricter("2099.2", 95), allow_unicode=True), encoding="utf-8")
    call_command("load_pcgd_rules", str(path), stdout=io.StringIO())
    active = RuleSet.objects.filter(active=True)
    assert list(active.values_list("version", flat=True)) == ["2099.2"]
    assert current_rules().sha256 == active.get().sha256 == load(path).sha256
    assert preschool_of_a1() == ("met", 1)


def test_load_pcgd_rules_refuses_a_malformed_file_and_stores_nothing(db, tmp_path):
    data = raw()
    rate("attending_5", ages=[10, 5])(data)
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CommandError, match="rates.attending_5"):
        call_command("load_pcgd_rules", str(path), stdout=io.StringIO())
    assert not RuleSet.objects.exists()
