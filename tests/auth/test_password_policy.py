"""The password policy (issue 8, finding 10): a 12-character minimum, then refused when
common (the French list, zxcvbn's dictionaries), built on context words, a walk along the
azerty keyboard, or too guessable for zxcvbn. French messages throughout."""

from __future__ import annotations

import pytest

from portal.password_strength import without_keyboard_walks
from portal.passwords import context_words_for, password_problems

CONTEXT = context_words_for("jean.durand@maconnerie-durand.example", "Maçonnerie Durand")

REFUSED = {
    # keyboard walks: the review's examples first
    "azertyuiopqs": "touches voisines",
    "1q2w3e4r5t6y": "touches voisines",
    "qsdfghjklmwx": "touches voisines",
    "wxcvbn123456": "trop courant",  # the French list has « wxcvbn »
    "1a2z3e4r5t6y": "touches voisines",
    "poiuytrezaqs": "touches voisines",
    # common passwords and their dressed-up forms
    "motdepasse2024!": "trop courant",
    "Nicolas19851985": "trop courant",
    "iloveyou123456": "trop courant",
    "P@ssw0rd2024!!": "trop courant",
    "M0td3p@ss3-2025": "trop courant",
    "mdpmdpmdpmdp": "trop peu de caractères",
    "abcdef123456": "trop courant",
    # zxcvbn: its dictionaries (English words, names, dates…), sequences and repeats
    "qwertyuiop1234": "trop courant",
    "qazwsxedc2024": "trop vite deviné",  # a qwerty walk, zxcvbn's own
    "dragonball1990": "trop vite deviné",
    "jennifer198719": "trop vite deviné",
    "abcabcabc123123": "trop vite deviné",
    "zaqxswcde123": "trop vite deviné",
    # built on the account's context
    "Maçonnerie Durand 1": "trop courant",
    "jean.durand@maconnerie": "reprend",
    "Durand Maçonnerie 69": "reprend",
    "Brignais20262026": "trop courant",
}
ACCEPTED = [
    "une phrase de passe assez longue",
    "le jardin de la vallée fleurit",
    "les charpentes tiennent la vallée",
    "Ma chèvre mange 3 pivoines bleues",
    "tortue-velo-orage-cerise",
]


@pytest.mark.parametrize(("password", "reason"), REFUSED.items())
def test_refused_with_a_french_reason(app, password, reason):
    problems = password_problems(password, CONTEXT)
    assert len(problems) == 1, password
    assert reason in problems[0], (password, problems)


@pytest.mark.parametrize("password", ACCEPTED)
def test_personal_phrases_are_accepted(app, password):
    assert password_problems(password, CONTEXT) == []


def test_strength_threshold_is_configurable(app):
    phrase = "tortue-velo-orage-cerise"
    app.config["PASSWORD_MIN_STRENGTH"] = 4
    assert password_problems("jaimelesfraises", CONTEXT) == []  # zxcvbn gives it 4
    assert password_problems("soleil en ete", CONTEXT)  # but not this one
    assert password_problems(phrase, CONTEXT) == []


def test_very_long_passwords_are_judged_on_their_start(app):
    long_phrase = "une phrase de passe tres longue " * 6  # beyond zxcvbn's 72 characters
    assert password_problems(long_phrase[:200], CONTEXT) == []


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("azertyuiop", ""),
        ("azertyuiopqs", "qs"),
        ("1a2z3e4r", ""),
        ("mlkjhgfdsq", ""),
        ("bonjour", "bonjour"),
        ("unephrase", "unephrase"),
        ("aze", "aze"),  # too short to be a walk
    ],
)
def test_keyboard_walks(text, left):
    assert without_keyboard_walks(text) == left


def test_policy_on_the_set_password_page(app, login_as):
    """The view shows the reason in French and keeps the form (422)."""
    import re

    from tests.factories import make_admin, make_org

    admin = login_as(make_admin())
    response = admin.post_form(
        "/admin/comptes/inviter",
        {"organisation_id": str(make_org().id), "name": "A B", "email": "ab@exemple.example"},
    )
    link = re.search(r"http://localhost(/compte/mot-de-passe/[\w-]+)", response.get_data(True))
    invited = app.test_client()
    token = invited.csrf_token()
    for password in ("azertyuiopqs", "1q2w3e4r5t6y"):
        page = invited.post(
            link.group(1), data={"password": password, "confirm": password, "csrf_token": token}
        )
        assert page.status_code == 422, password
        assert "choisissez" in page.get_data(as_text=True)
