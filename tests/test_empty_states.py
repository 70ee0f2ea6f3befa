"""Empty lists say why they are empty and what to do next, for each role (issue 8); when
the user's filters hide everything, they offer to clear them."""

from __future__ import annotations

import pytest

from portal.models import OrgKind
from tests.conftest import text_of, words_of
from tests.factories import make_admin, make_ccvg_with_communes, make_org, make_user


def test_a_geiq_without_lots_is_told_why(login_as):
    geiq = make_org(OrgKind.STRUCTURE, structure_kind="GEIQ")
    seen = words_of(login_as(make_user(geiq)).get("/lots/"))
    assert "Aucun lot ne vous est encore attribué" in seen
    assert "Signalez vos disponibilités à l'AMO Insertion" in seen


def test_a_company_without_lots_is_told_whom_to_contact(login_as):
    seen = words_of(login_as(make_user(make_org(OrgKind.COMPANY))).get("/lots/"))
    assert "Aucun lot ne vous est encore attribué" in seen and "contactez l'AMO Insertion" in seen


@pytest.mark.parametrize(
    ("path", "why", "next_step"),
    [
        ("/operations/", "Aucune opération pour l'instant", "créer une opération"),
        ("/lots/", "Aucun lot pour l'instant", "Ouvrez une opération"),
        ("/devis/", "Aucun devis pour l'instant", "Créer un devis"),
        ("/factures/", "Aucune facture n'a encore été émise", "la CCVG valide un devis"),
        ("/recensement/", "Aucun acheteur n'a encore déclaré d'achat", "donniez votre avis"),
    ],
)
def test_the_amoi_lists_say_why_and_what_next(login_as, path, why, next_step):
    seen = words_of(login_as(make_admin()).get(path))
    assert why in seen and next_step in seen


def test_buyer_lists_point_to_the_census_and_the_ccvg(login_as):
    _ccvg, (commune,) = make_ccvg_with_communes("Vourles")
    client = login_as(make_user(commune))
    assert "Déclarez vos achats à venir" in words_of(client.get("/operations/"))
    quotes = words_of(client.get("/devis/"))
    assert "Aucun devis de l'AMO Insertion ne vous a encore été soumis" in quotes
    assert "à la CCVG, qui le valide" in quotes


def test_filters_that_hide_everything_offer_to_clear_them(login_as):
    response = login_as(make_admin()).get("/operations/?q=introuvable")
    assert "Aucun résultat ne correspond à ces critères." in words_of(response)
    assert 'href="/operations/">effacez les filtres</a>' in text_of(response)


def test_recap_of_a_year_without_payment_names_the_commune(login_as):
    ccvg, (commune,) = make_ccvg_with_communes("Brignais")
    seen = words_of(
        login_as(make_user(ccvg)).get(f"/factures/refacturation?commune={commune.id}&annee=2031")
    )
    assert "Aucune facture de la commune de Brignais n'a été payée en 2031" in seen


@pytest.mark.parametrize(
    ("kind", "why", "next_step"),
    [
        (
            OrgKind.FACILITATOR,
            "Aucune candidature n'a encore été proposée",
            "Proposez une personne",
        ),
        (OrgKind.COMPANY, "Aucune candidature n'a encore été proposée", "Proposez une personne"),
        (OrgKind.STRUCTURE, "Aucune candidature n'a encore été proposée", "Proposez une personne"),
        (
            OrgKind.BUYER,
            "Aucune personne n'est encore embauchée sur vos lots",
            "apparaîtront ici, en effectifs",
        ),
    ],
)
def test_the_people_list_says_why_and_what_next_for_each_role(login_as, kind, why, next_step):
    seen = words_of(login_as(make_user(make_org(kind))).get("/personnes/"))
    assert why in seen and next_step in seen


def test_the_amoi_queues_say_when_nothing_waits(login_as):
    client = login_as(make_admin())
    assert "Aucune candidature n'attend de décision" in words_of(
        client.get("/candidatures/a-decider")
    )
    assert "Aucune situation à 6 mois n'est à recueillir" in words_of(
        client.get("/embauches/suivis-6-mois")
    )
    todo = words_of(client.get("/suivi/"))
    for empty in (
        "Aucun premier contact en attente.",
        "Aucun délai échu ni proche.",
        "Aucune lettre en attente.",
        "Aucune étape en attente d'un acheteur.",
        "Aucune réunion à tenir dans les 7 jours.",
    ):
        assert empty in todo
    assert "Aucune réunion enregistrée." in words_of(client.get("/suivi/reunions/"))


def test_a_company_without_meetings_is_told_who_adds_them(login_as):
    seen = words_of(login_as(make_user(make_org(OrgKind.COMPANY))).get("/suivi/reunions/"))
    assert "l'AMOI y ajoute les réunions auxquelles vous participez" in seen


@pytest.mark.parametrize(
    ("kind", "next_step"),
    [
        (OrgKind.STRUCTURE, "déposez le fichier"),
        (OrgKind.COMPANY, "se saisiront en ligne"),
        (OrgKind.FACILITATOR, "Les structures déposent leurs relevés chaque mois"),
    ],
)
def test_an_empty_statement_list_says_why_and_what_next(login_as, kind, next_step):
    seen = words_of(login_as(make_user(make_org(kind))).get("/releves/"))
    assert "Aucun relevé d'heures n'a encore été déposé." in seen and next_step in seen


def test_the_statement_review_lists_say_why_they_are_empty(login_as):
    queue = words_of(login_as(make_admin()).get("/releves/a-valider"))
    assert "Aucun relevé n'attend votre validation." in queue
    assert "ils apparaîtront ici" in queue
    filtered = words_of(login_as(make_admin()).get("/releves/a-valider?mois=2031-01"))
    assert "Aucun résultat ne correspond à ces critères." in filtered
    _ccvg, (commune,) = make_ccvg_with_communes("Vourles")
    refusals = words_of(login_as(make_user(commune)).get("/releves/refus-a-decider"))
    assert "Aucun refus d'heures n'attend de décision." in refusals
    assert "elles apparaîtront ici" in refusals
