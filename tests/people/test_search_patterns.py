"""The people search builds its LIKE patterns itself (portal/people/views.py
``_contains_pattern``): a ``%``, ``_`` or ``/`` typed is a letter, not a wildcard."""

from __future__ import annotations

import pytest

from tests.conftest import text_of
from tests.people.builders import amoi_user, identity, make_candidacy


@pytest.mark.parametrize("term", ["%%", "__", "//", "%_"])
def test_wildcards_typed_are_letters(login_as, term):
    # (punctuation only: the duplicate key's clause ignores it, so « a% » would match « a »)
    candidacy = make_candidacy(who=identity(last_name="Aubertin", first_name="Léa"))
    client = login_as(amoi_user())
    found = client.post_form("/personnes/recherche", {"q": term}, htmx=True)
    assert found.status_code == 200
    assert candidacy.participant.display_name not in text_of(found)


def test_case_and_middle_of_the_name_still_match(login_as):
    candidacy = make_candidacy(who=identity(last_name="Aubertin", first_name="Léa"))
    client = login_as(amoi_user())
    for term in ("BERT", "ubert", "LÉA", "lea"):
        found = client.post_form("/personnes/recherche", {"q": term}, htmx=True)
        assert candidacy.participant.display_name in text_of(found), term
