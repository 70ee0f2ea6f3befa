"""Deactivating an organisation or an account asks first and says what follows."""

from __future__ import annotations

import re

from portal.models import OrgKind
from tests.conftest import CONFIRMED, text_of, versioned, words_of
from tests.factories import make_admin, make_org, make_user


def _dialog_text(html, dialog_id):
    match = re.search(rf'<dialog id="{dialog_id}".*?</dialog>', html, re.S)
    assert match, dialog_id
    return re.sub(r"[\s\u00a0\u202f]+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


def test_deactivating_an_organisation_names_it_and_counts_its_accounts(login_as, db):
    commune = make_org(OrgKind.BUYER, name="Commune de Brignais")
    people = [make_user(commune), make_user(commune)]
    client = login_as(make_admin())
    dialog = _dialog_text(text_of(client.get(f"/organisations/{commune.id}")), "confirm-deactivate")
    assert "Désactiver la commune de Brignais ?" in dialog
    assert "Ses 2 comptes actifs seront déconnectés sur-le-champ" in dialog
    step = client.post_form(f"/organisations/{commune.id}/desactiver", versioned(commune))
    assert step.status_code == 200 and "Ses 2 comptes actifs" in words_of(step)
    db.session.refresh(commune)
    assert commune.active is True
    assert all(p.active for p in people)
    done = client.post_form(
        f"/organisations/{commune.id}/desactiver", versioned(commune, CONFIRMED)
    )
    assert done.status_code == 303
    db.session.refresh(commune)
    assert commune.active is False


def test_one_account_reads_in_the_singular(login_as):
    company = make_org(OrgKind.COMPANY, name="Charpentes Démo")
    make_user(company)
    dialog = _dialog_text(
        text_of(login_as(make_admin()).get(f"/organisations/{company.id}")), "confirm-deactivate"
    )
    assert "Désactiver l'entreprise Charpentes Démo ?" in dialog
    assert "Son compte actif sera déconnecté" in dialog


def test_deactivating_an_account_asks_first(login_as, db):
    user = make_user(name="Paul Charpentier")
    client = login_as(make_admin())
    dialog = _dialog_text(text_of(client.get(f"/admin/comptes/{user.id}")), "confirm-deactivate")
    assert "Désactiver le compte de Paul Charpentier ?" in dialog
    assert client.post_form(f"/admin/comptes/{user.id}/desactiver").status_code == 200
    db.session.refresh(user)
    assert user.active is True
