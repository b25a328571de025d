"""The register's pages that take a person's or household's id check, for every role, that the
object is the commune's named in the address and that the user may enter data there: a
person of another commune is a 404 (with its history), and nothing is written or logged."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from units.models import Membership
from units.testing import add_special_zone
from universalization.models import Household, Person, PersonAccess

ROLES = ["anonymous", "no_unit", "district_admin", "viewer", "commune_reporter",
         "unit_reporter", "other_district", "zone_viewer", "superuser"]  # fmt: skip
# Who may open a commune's person and household pages (they need "enter_data" there).
EDITORS = {
    "C-A1": {"district_admin", "commune_reporter", "superuser"},
    "C-A2": {"district_admin", "superuser"},
    "C-B1": {"other_district", "superuser"},
}


@pytest.fixture
def people(world, register) -> dict:
    zone = add_special_zone(world.tree)
    viewer = get_user_model().objects.create_user("viewer_dk", password="x")
    Membership.objects.create(user=viewer, unit=zone, role=Membership.Role.VIEWER)
    world.users.zone_viewer = viewer
    return {
        code: (Person.objects.filter(commune__code=code).order_by("pk").first(),
               Household.objects.filter(commune__code=code).order_by("pk").first())
        for code in EDITORS
    }  # fmt: skip


def pages(people: dict) -> list[tuple[str, str, set[str]]]:
    """(name, address, roles that may open it): each commune's objects under its own code,
    then objects of other communes under C-A1's code, which nobody may open."""
    rows = []
    for code, (person, household) in people.items():
        rows += [
            (f"person {code}", reverse("register:person_edit", args=[code, person.pk]),
             EDITORS[code]),
            (f"household {code}", reverse("register:household_edit", args=[code, household.pk]),
             EDITORS[code]),
        ]  # fmt: skip
        if code != "C-A1":
            rows += [
                (f"person {code} as C-A1's",
                 reverse("register:person_edit", args=["C-A1", person.pk]), set()),
                (f"household {code} as C-A1's",
                 reverse("register:household_edit", args=["C-A1", household.pk]), set()),
            ]  # fmt: skip
    return rows


def trace() -> tuple:
    """Everything a request could write: persons, households, their history, access log."""
    return (
        list(Person.objects.order_by("pk").values_list("pk", "full_name", "household")),
        list(Household.objects.order_by("pk").values_list("pk", "code")),
        Person.history.count(), Household.history.count(), PersonAccess.objects.count(),
    )  # fmt: skip


def log_in(client, world, role: str):
    if role != "anonymous":
        client.force_login(getattr(world.users, role))
    return client


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_the_persons_and_households_of_its_scope(
    client, world, people, role
):
    client = log_in(client, world, role)
    wrong = []
    for name, address, allowed in pages(people):
        before = trace()
        status = client.get(address).status_code
        expected = 302 if role == "anonymous" else 200 if role in allowed else 404
        if status != expected:
            wrong.append(f"{name}: {status}, expected {expected}")
        if expected != 200 and trace() != before:
            wrong.append(f"{name}: a refused read left a trace")
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_a_write_to_a_person_or_household_outside_the_scope_is_404_and_writes_nothing(
    client, world, people, role
):
    client = log_in(client, world, role)
    wrong = []
    data = {"full_name": "Kẻ Lạ", "code": "X1", "household_code": "H0", "version": "1"}
    for name, address, allowed in pages(people):
        if role in allowed:
            continue
        before = trace()
        status = client.post(address, data).status_code
        expected = 302 if role == "anonymous" else 404
        if status != expected:
            wrong.append(f"{name}: {status}, expected {expected}")
        if trace() != before:
            wrong.append(f"{name}: something was written")
    assert wrong == []


def test_a_persons_history_is_not_shown_under_another_communes_address(client, world, people):
    person_b1 = people["C-B1"][0]
    client.force_login(world.users.superuser)
    response = client.get(reverse("register:person_edit", args=["C-A1", person_b1.pk]))
    assert response.status_code == 404 and person_b1.full_name not in response.text
