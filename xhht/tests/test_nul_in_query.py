"""A NUL character in a page's query string is refused with a 400, never a server error.

PostgreSQL refuses text holding NUL in a comparison (a search, a filter): a page that passed
one to the database answered 500 there and an empty result on SQLite. The API names the
parameter in its JSON 400 (api.filters.check_characters); pages answer the 400 page.
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "address",
    [
        "/units/C-A1/pcgd/register/?q=%00",
        "/units/D-A/pcgd/persons/?q=ab%00c",
        "/units/D-A/dashboard/?year=2020%00",
        "/plans/?x%00=1",
        "/units/D-A/dashboard/?q=%00",
    ],
)
def test_a_page_asked_with_a_nul_character_answers_400(client, world, address):
    client.force_login(world.users.superuser)
    answer = client.get(address)
    assert answer.status_code == 400
    assert "400.html" in [t.name for t in answer.templates]


def test_the_api_still_names_the_parameter_in_json(client, world):
    client.force_login(world.users.superuser)
    answer = client.get("/api/v1/values/?unit=%00")
    assert answer.status_code == 400
    assert "unit" in answer.json()
