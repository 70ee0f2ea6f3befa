"""The directory of insertion structures (annexe 1 §1): every role reads it, it lists
structures only, active ones only outside the AMOI, and public fields only."""

from __future__ import annotations

import pytest

from portal.models import OrgKind
from tests.conftest import text_of, versioned, words_of
from tests.factories import make_admin, make_org, make_user
from tests.personas import PERSONAS, build_world

HTMX = {"HX-Request": "true"}
URL = "/organisations/annuaire"


def _structure(name, **overrides):
    values = {
        "name": name,
        "structure_kind": "GEIQ",
        "commune": "Givors",
        "postal_code": "69700",
        "trades": "batiment,proprete",
        "contact_email": "contact@geiq.example",
        "contact_phone": "04 78 00 00 00",
        "address": "Adresse interne à ne pas publier",
    }
    values.update(overrides)
    return make_org(OrgKind.STRUCTURE, **values)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_role_reads_the_structures_with_their_public_fields(login_as, persona):
    world = build_world()
    geiq = _structure("GEIQ Bâtiment Rhône Sud")
    make_user(geiq, name="Utilisatrice Secrète", email="secrete@geiq.example")
    client = login_as(world.users[persona])
    response = client.get(URL, headers=HTMX)  # the table alone (the layout names one's own org)
    text = words_of(response)
    assert response.status_code == 200
    assert client.get(URL).status_code == 200
    assert "GEIQ Bâtiment Rhône Sud" in text
    assert "Bâtiment, gros œuvre ; Propreté, nettoyage" in text
    assert "Givors (69700)" in text
    assert "contact@geiq.example" in text and "04 78 00 00 00" in text
    # never the accounts, the address, the SIRET, nor any organisation that is not a structure
    assert "Utilisatrice Secrète" not in text and "secrete@geiq.example" not in text
    assert "Adresse interne" not in text
    assert geiq.siret not in text
    assert world.company.name not in text
    assert world.ccvg.name not in text
    assert world.facilitator.name not in text
    assert world.structure.name in text and world.other_structure.name in text


def test_a_company_sees_no_deactivated_structure_and_no_link_to_its_page(login_as):
    world = build_world()
    _structure("Structure Fermée", active=False)
    open_one = _structure("Structure Ouverte")
    client = login_as(world.users["company"])
    html = client.get(URL).get_data(as_text=True)
    assert "Structure Ouverte" in html
    assert "Structure Fermée" not in html
    assert f"/organisations/{open_one.id}" not in html


def test_the_amoi_sees_deactivated_structures_and_their_pages(login_as):
    world = build_world()
    closed = _structure("Structure Fermée", active=False)
    html = login_as(world.users["facilitator"]).get(URL).get_data(as_text=True)
    assert "Structure Fermée" in html
    assert f"/organisations/{closed.id}" in html


def test_filters_by_kind_trade_commune_and_text(login_as):
    client = login_as(make_user(make_org(OrgKind.COMPANY)))
    _structure("Geiq Alpha", structure_kind="GEIQ", trades="batiment", commune="Givors")
    _structure("Aci Beta", structure_kind="ACI", trades="espaces_verts", commune="Grigny")
    _structure("Ei Gamma", structure_kind="EI", trades="proprete,espaces_verts", commune="Givors")

    def names(query):
        text = words_of(client.get(f"{URL}?{query}"))
        return {n for n in ("Geiq Alpha", "Aci Beta", "Ei Gamma") if n in text}

    assert names("") == {"Geiq Alpha", "Aci Beta", "Ei Gamma"}
    assert names("type=ACI") == {"Aci Beta"}
    assert names("metier=espaces_verts") == {"Aci Beta", "Ei Gamma"}
    assert names("metier=proprete") == {"Ei Gamma"}
    assert names("commune=Givors") == {"Geiq Alpha", "Ei Gamma"}
    assert names("q=gam") == {"Ei Gamma"}
    assert names("q=grign") == {"Aci Beta"}
    assert names("metier=espaces_verts&commune=Givors") == {"Ei Gamma"}
    # an unknown value is dropped, not an error
    assert names("metier=zzz&commune=Lyon&type=XX") == {"Geiq Alpha", "Aci Beta", "Ei Gamma"}


def test_a_trade_code_does_not_match_inside_another(login_as):
    client = login_as(make_user(make_org(OrgKind.COMPANY)))
    _structure("Second Oeuvre Seul", trades="second_oeuvre")
    assert "Second Oeuvre Seul" not in text_of(client.get(f"{URL}?metier=batiment"))
    assert "Second Oeuvre Seul" in text_of(client.get(f"{URL}?metier=second_oeuvre"))


def test_commune_filter_offers_only_communes_of_listed_structures(login_as):
    client = login_as(make_user(make_org(OrgKind.COMPANY)))
    _structure("Visible", commune="Chasse-sur-Rhône")
    _structure("Fermée", commune="Loire-sur-Rhône", active=False)
    make_org(OrgKind.COMPANY, commune="Échalas")
    html = client.get(URL).get_data(as_text=True)
    assert '<option value="Chasse-sur-Rhône"' in html
    assert "Loire-sur-Rhône" not in html
    assert "Échalas" not in html


def test_htmx_gets_the_table_only_and_pages(app, login_as):
    client = login_as(make_user(make_org(OrgKind.BUYER)))
    for n in range(7):
        _structure(f"Structure Paginée {n}")
    fragment = client.get(f"{URL}?q=paginée", headers=HTMX)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert "<html" not in body
    assert "1 à 5 sur 7" in body  # TestConfig.PAGE_SIZE = 5
    assert "6 à 7 sur 7" in client.get(f"{URL}?q=paginée&page=2").get_data(as_text=True)


def test_empty_directory_says_so(login_as):
    client = login_as(make_user(make_org(OrgKind.COMPANY)))
    assert "Aucune structure d'insertion" in text_of(client.get(URL))


def test_directory_has_no_n_plus_one(app, login_as, assert_max_queries):
    app.config["PAGE_SIZE"] = 50
    client = login_as(make_user(make_org(OrgKind.COMPANY)))
    for n in range(3):
        make_user(_structure(f"S{n}"))
    with assert_max_queries(8) as counter:
        client.get(URL)
    small = counter.count
    for n in range(10):
        make_user(_structure(f"T{n}"))
    with assert_max_queries(small):
        client.get(URL)


def test_the_admin_records_commune_postal_code_and_trades(login_as, db):
    client = login_as(make_admin())
    org = _structure("Structure À Modifier", trades="batiment", commune="", postal_code="")
    data = versioned(
        org,
        {
            "name": org.name,
            "siret": org.siret,
            "structure_kind": "ACI",
            "postal_code": "69520",
            "commune": "Grigny",
            "trades": ["espaces_verts", "recyclage"],
        },
    )
    response = client.post_form(f"/organisations/{org.id}/modifier", data)
    assert response.status_code == 303
    db.session.refresh(org)
    assert (org.commune, org.postal_code, org.trades) == (
        "Grigny",
        "69520",
        "espaces_verts,recyclage",
    )
    page = words_of(client.get(f"/organisations/{org.id}"))
    assert "Espaces verts, environnement ; Recyclage, réemploi" in page
    # unticking every trade empties the list
    data = versioned(org, {"name": org.name, "siret": org.siret, "structure_kind": "ACI"})
    client.post_form(f"/organisations/{org.id}/modifier", data)
    db.session.refresh(org)
    assert org.trades == ""


def test_a_wrong_postal_code_is_refused_in_french(login_as):
    client = login_as(make_admin())
    org = _structure("Structure CP")
    data = versioned(
        org, {"name": org.name, "siret": org.siret, "structure_kind": "GEIQ", "postal_code": "6970"}
    )
    response = client.post_form(f"/organisations/{org.id}/modifier", data)
    assert response.status_code == 422
    assert "Le code postal comporte 5 chiffres" in text_of(response)
