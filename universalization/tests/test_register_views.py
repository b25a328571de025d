"""The register's entry pages: households and persons in forms, their history, who may do what."""

from __future__ import annotations

import datetime
import unicodedata

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from indicators.models import DataValue
from universalization import services
from universalization.models import Household, Person, PersonAccess

THIS_YEAR = datetime.date.today().year


def url(name: str, *args) -> str:
    return reverse(f"register:{name}", args=args)


def person_in(commune: str, code: str) -> Person:
    return Person.objects.select_related("household").get(commune__code=commune, code=code)


def pages(world, commune: str = "C-A1") -> dict[str, str]:
    person = Person.objects.filter(commune__code=commune).order_by("pk").first()
    household = Household.objects.filter(commune__code=commune).order_by("pk").first()
    return {
        "list": url("list", commune),
        "export": url("export", commune),
        "import": url("import", commune),
        "person_new": url("person_new", commune),
        "person_edit": url("person_edit", commune, person.pk),
        "household_new": url("household_new", commune),
        "household_edit": url("household_edit", commune, household.pk),
    }


VIEWING = {"list", "export"}


@pytest.fixture
def english(client):
    """Messages compared as written in the code, whatever the catalogue says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def form_data(**overrides) -> dict:
    """A valid person entry for C-A1, as the browser posts it."""
    data = {
        "household_code": "H0", "code": "NEW1", "full_name": "Trần Thị Mới", "sex": "F",
        "birth_year": "2013", "birth_date": "", "ethnicity": "Kinh", "residence": "permanent",
        "disability": "none", "studying": "primary", "preschool_completed": "true",
        "grade1_entry_year": "2019", "primary_completed_year": "",
        "lower_secondary_diploma_year": "", "highest_grade_completed": "0",
        "literacy_stage_completed": "",
    }  # fmt: skip
    return data | overrides


def edit_data(person: Person, **overrides) -> dict:
    from universalization.forms import PersonForm

    initial = PersonForm.initial_for(person)
    data = {k: ("" if v is None else v) for k, v in initial.items()}
    data["preschool_completed"] = {True: "true", False: "false"}.get(
        person.preschool_completed, "unknown"
    )
    return data | overrides


# --- Who may do what ---


@pytest.mark.parametrize("page", sorted(VIEWING | {"import", "person_new", "person_edit"}))
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, register, world, page):
    response = client.get(pages(world)[page])
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_commune_reporter_views_and_edits_its_own_commune_only(client, register, world):
    client.force_login(world.users.commune_reporter)
    for name, page in pages(world, "C-A1").items():
        assert client.get(page).status_code == 200, name
    for commune in ("C-A2", "C-B1"):
        for name, page in pages(world, commune).items():
            assert client.get(page).status_code == 404, (commune, name)


def test_a_viewer_sees_the_register_but_cannot_edit_it(client, register, world):
    client.force_login(world.users.viewer)
    for name, page in pages(world).items():
        expected = 200 if name in VIEWING else 404
        assert client.get(page).status_code == expected, name
    response = client.get(pages(world)["list"])
    assert not response.context["can_edit"]
    assert url("person_new", "C-A1") not in response.content.decode()
    assert client.post(url("person_new", "C-A1"), form_data()).status_code == 404
    assert not Person.objects.filter(code="NEW1").exists()


@pytest.mark.parametrize("role", ["unit_reporter", "other_district", "no_unit"])
def test_users_outside_the_commune_get_404_everywhere(client, register, world, role):
    client.force_login(getattr(world.users, role))
    for name, page in pages(world).items():
        assert client.get(page).status_code == 404, name
    assert client.post(url("person_new", "C-A1"), form_data()).status_code == 404
    assert not PersonAccess.objects.exists()


def test_the_district_admin_edits_the_communes_of_its_district(client, register, world):
    client.force_login(world.users.district_admin)
    for name, page in pages(world, "C-A2").items():
        assert client.get(page).status_code == 200, name
    assert client.get(url("list", "D-A")).status_code == 404  # the list is a commune's
    assert client.get(url("export", "D-A")).status_code == 200
    assert client.get(url("import", "D-A")).status_code == 200


# --- The list ---


def test_the_list_shows_households_with_their_persons_and_records_the_view(client, register, world):
    client.force_login(world.users.commune_reporter)
    response = client.get(url("list", "C-A1"))
    assert response.status_code == 200
    rows = response.context["rows"]
    household, persons = rows[0]
    assert household.code == "H0" and household.persons_count == 3
    assert [p.code for p in persons] == ["P0", "P1", "P2"]
    assert response.context["totals"] == {"households": 14, "persons": 40}
    access = PersonAccess.objects.get()
    assert (access.user, access.unit.code, access.action) == (
        world.users.commune_reporter, "C-A1", "list")  # fmt: skip
    assert access.rows == sum(len(p) for _h, p in rows)


def test_the_list_is_paginated_and_searchable(
    client, register, world, django_assert_max_num_queries
):
    commune = world.tree.commune_a1
    Household.objects.bulk_create([Household(commune=commune, code=f"X{n:02}") for n in range(30)])
    client.force_login(world.users.commune_reporter)
    response = client.get(url("list", "C-A1"), {"page": 2})
    assert [h.code for h, _p in response.context["rows"]][:1] == ["X11"]  # codes sort as text
    assert response.context["page"].paginator.num_pages == 2
    response = client.get(url("list", "C-A1"), {"q": "Người 25"})
    [(household, persons)] = response.context["rows"]
    assert household.code == "H8" and "P25" in [p.code for p in persons]
    assert client.get(url("list", "C-A1"), {"q": "P7"}).context["rows"][0][0].code == "H2"
    with django_assert_max_num_queries(15):  # a fixed number, whatever the page holds
        client.get(url("list", "C-A1"))


# --- The person form ---


def test_a_new_person_is_saved_with_history_and_the_plan_figures_follow(client, register, world):
    client.force_login(world.users.commune_reporter)
    response = client.post(url("person_new", "C-A1"), form_data())
    person = person_in("C-A1", "NEW1")
    assert response.status_code == 302
    assert response.url == url("person_edit", "C-A1", person.pk)
    assert (person.household.code, person.birth_year, person.version) == ("H0", 2013, 1)
    assert person.preschool_completed is True and person.updated_by == world.users.commune_reporter
    assert person.history.get().history_user == world.users.commune_reporter
    published = DataValue.objects.filter(
        unit__code="C-A1", element__code="persons", period__year=2020, age_band="15-60"
    )
    assert {v.source for v in published} == {DataValue.Source.COMPUTED}
    assert sum(v.value for v in published) == 20  # the register's, no longer the typed 1000


def test_a_new_household_number_creates_the_household(client, register, world):
    client.force_login(world.users.commune_reporter)
    client.post(url("person_new", "C-A1"), form_data(household_code="H-NEW"))
    assert person_in("C-A1", "NEW1").household.code == "H-NEW"
    assert Household.objects.get(commune__code="C-A1", code="H-NEW").history.count() == 1


def test_the_birth_year_is_taken_from_the_birth_date(client, register, world):
    client.force_login(world.users.commune_reporter)
    response = client.post(
        url("person_new", "C-A1"), form_data(birth_year="", birth_date="2013-03-04")
    )
    assert response.status_code == 302
    person = person_in("C-A1", "NEW1")
    assert (person.birth_date, person.birth_year) == (datetime.date(2013, 3, 4), 2013)
    data = form_data(code="NEW2", birth_year="", birth_date="05/06/2012")
    client.post(url("person_new", "C-A1"), data)
    assert person_in("C-A1", "NEW2").birth_date == datetime.date(2012, 6, 5)


INVALID = [
    ("birth_year", {"birth_year": str(THIS_YEAR + 1)}, "not after this year"),
    ("birth_date", {"birth_date": f"{THIS_YEAR + 1}-01-01"}, "not a possible birth date"),
    ("birth_year", {"birth_year": "2012", "birth_date": "2013-03-04"}, "does not agree"),
    ("grade1_entry_year", {"grade1_entry_year": "2010"}, "before the birth year"),
    ("primary_completed_year", {"primary_completed_year": "2012"}, "before the birth year"),
    ("highest_grade_completed", {"highest_grade_completed": "13"}, "from 0 to 12"),
    ("literacy_stage_completed", {"literacy_stage_completed": "3"}, "from 0 to 2"),
    ("code", {"code": "P1"}, "already used in this commune"),
    ("code", {"code": ""}, None),
    ("household_code", {"household_code": ""}, None),
    ("sex", {"sex": "X"}, None),
    ("birth_year", {"birth_year": "hai nghìn"}, None),
]


@pytest.mark.parametrize(("field", "typed", "message"), INVALID)
def test_an_invalid_entry_is_refused_naming_the_field_and_keeps_what_was_typed(
    client, register, world, english, field, typed, message
):
    client.force_login(world.users.commune_reporter)
    before = Person.objects.count()
    data = form_data(full_name="Tên vừa gõ", ethnicity="Mường", **typed)
    response = client.post(url("person_new", "C-A1"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors, form.errors
    if message is not None:
        assert message in form.errors[field][0]
        assert str(form.fields[field].label) in form.errors[field][0]  # it names the field
    assert Person.objects.count() == before
    html = response.content.decode()
    assert 'value="Tên vừa gõ"' in html and 'value="Mường"' in html
    assert 'class="form-errors"' in html
    for name, value in typed.items():
        if value and name not in ("sex",):
            assert f'value="{value}"' in html, name


def test_the_person_id_may_repeat_in_another_commune(client, register, world):
    client.force_login(world.users.district_admin)
    response = client.post(url("person_new", "C-A2"), form_data(code="P5", household_code="X"))
    assert response.status_code == 302
    assert person_in("C-A2", "P5").full_name == "Trần Thị Mới"


def test_an_edit_is_saved_with_its_history_shown(client, register, world):
    client.force_login(world.users.commune_reporter)
    person = person_in("C-A1", "P1")
    response = client.post(
        url("person_edit", "C-A1", person.pk),
        edit_data(person, full_name="Lê Văn Một", residence="moved_away", household_code="H5"),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.residence, person.version) == ("Lê Văn Một", "moved_away", 2)
    response = client.get(url("person_edit", "C-A1", person.pk))
    latest = response.context["history"][0]
    assert latest["who"] == world.users.commune_reporter
    changes = {f["label"]: (f["old"], f["new"]) for f in latest["fields"]}
    assert changes == {
        services.label_of(Person, "full_name"): ("Người 1", "Lê Văn Một"),
        services.label_of(Person, "household"): ("H0", "H5"),
        services.label_of(Person, "residence"): (
            str(Person.Residence.PERMANENT.label), str(Person.Residence.MOVED_AWAY.label)),
    }  # fmt: skip
    html = response.content.decode()
    assert "Người 1" in html and "Lê Văn Một" in html
    assert response.context["history"][-1]["record"].history_type == "+"
    access = PersonAccess.objects.get()
    assert (access.action, access.rows, access.unit.code) == ("list", 1, "C-A1")


def test_of_two_saves_from_the_same_version_the_second_is_refused(client, register, world, english):
    client.force_login(world.users.commune_reporter)
    person = person_in("C-A1", "P2")
    page = url("person_edit", "C-A1", person.pk)
    first = client.post(page, edit_data(person, full_name="Lần thứ nhất"))
    second = client.post(page, edit_data(person, full_name="Lần thứ hai"))
    assert first.status_code == 302
    assert second.status_code == 200
    form = second.context["form"]
    assert form.stale and "Someone else changed this person" in form.non_field_errors()[0]
    assert 'value="Lần thứ hai"' in second.content.decode()  # what was typed is still there
    person.refresh_from_db()
    assert (person.full_name, person.version) == ("Lần thứ nhất", 2)
    assert person.history.count() == 2


def test_the_service_refuses_a_stale_version_and_writes_nothing(register, world):
    person = person_in("C-A1", "P3")
    data = {name: getattr(person, name) for name in services.PERSON_EDIT_FIELDS}
    data |= {"household_code": person.household.code, "full_name": "Mới"}
    actor, commune = world.users.commune_reporter, world.tree.commune_a1
    services.save_person(person, data, commune=commune, actor=actor, expected_version=1)
    stale = person_in("C-A1", "P3")
    with pytest.raises(services.PersonRefused) as refused:
        services.save_person(
            stale, data | {"full_name": "Cũ"}, commune=commune, actor=actor, expected_version=1
        )
    assert refused.value.stale and None in refused.value.errors
    assert person_in("C-A1", "P3").full_name == "Mới"
    assert person_in("C-A1", "P3").history.count() == 2


def test_an_edit_without_a_version_is_refused(client, register, world):
    client.force_login(world.users.commune_reporter)
    person = person_in("C-A1", "P4")
    response = client.post(url("person_edit", "C-A1", person.pk), edit_data(person, version=""))
    assert "version" in response.context["form"].errors
    assert person_in("C-A1", "P4").version == 1


def test_a_person_of_another_commune_is_404_through_this_commune(client, register, world):
    client.force_login(world.users.district_admin)
    other = person_in("C-A2", "P0")
    assert client.get(url("person_edit", "C-A1", other.pk)).status_code == 404


# --- Households ---


def test_a_household_is_created_and_edited(client, register, world):
    client.force_login(world.users.commune_reporter)
    response = client.post(
        url("household_new", "C-A1"), {"code": "H99", "village": "Thôn 1", "address": ""}
    )
    assert response.status_code == 302
    household = Household.objects.get(commune__code="C-A1", code="H99")
    assert household.history.get().history_user == world.users.commune_reporter
    client.post(url("household_edit", "C-A1", household.pk), {"code": "H99", "village": "Thôn 2"})
    household.refresh_from_db()
    assert household.village == "Thôn 2"


def test_a_household_number_is_unique_in_its_commune(client, register, world, english):
    client.force_login(world.users.commune_reporter)
    response = client.post(url("household_new", "C-A1"), {"code": "H1", "village": "Thôn 9"})
    assert response.status_code == 200
    assert "already used" in response.context["form"].errors["code"][0]
    assert 'value="Thôn 9"' in response.content.decode()
    assert Household.objects.filter(commune__code="C-A1", code="H1").count() == 1


# --- One Unicode form, and a search that ignores case and diacritics ---


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_what_a_form_receives_in_nfd_is_stored_in_nfc(client, register, world):
    client.force_login(world.users.commune_reporter)
    client.post(
        url("household_new", "C-A1"), {"code": nfd("Hộ Ánh 01"), "village": nfd("Thôn Đông")}
    )
    household = Household.objects.get(commune__code="C-A1", code="Hộ Ánh 01")
    assert household.village == "Thôn Đông"
    client.post(url("person_new", "C-A1"),
                form_data(household_code="Hộ Ánh 01", full_name=nfd("Nguyễn Thị Đào")))  # fmt: skip
    person = person_in("C-A1", "NEW1")
    assert person.full_name == "Nguyễn Thị Đào" and person.household == household
    assert Household.objects.filter(commune__code="C-A1", code__startswith="H").count() == 15


@pytest.mark.parametrize("query", ["nguyen", "NGUYỄN THỊ", "thi dao", "Đào", "đao", "ho anh"])
def test_the_search_ignores_case_and_diacritics(client, register, world, query):
    client.force_login(world.users.commune_reporter)
    client.post(url("household_new", "C-A1"), {"code": "Hộ Ánh 01"})
    client.post(url("person_new", "C-A1"),
                form_data(household_code="Hộ Ánh 01", full_name="Nguyễn Thị Đào"))  # fmt: skip
    for typed in (query, nfd(query)):
        rows = client.get(url("list", "C-A1"), {"q": typed}).context["rows"]
        assert [h.code for h, _p in rows] == ["Hộ Ánh 01"], typed


def test_an_edit_keeps_the_search_key(client, register, world):
    client.force_login(world.users.commune_reporter)
    person = person_in("C-A1", "P3")
    client.post(url("person_edit", "C-A1", person.pk),
                form_data(code="P3", household_code="H1", full_name="Lê Văn Ơn",
                          version=person.version))  # fmt: skip
    assert person_in("C-A1", "P3").search_key == "p3 le van on"


def test_the_standards_page_of_a_commune_links_to_its_register(client, register, world):
    client.force_login(world.users.commune_reporter)
    page = client.get(reverse("universalization:standards", args=["C-A1"])).content.decode()
    assert f'href="{url("list", "C-A1")}"' in page
