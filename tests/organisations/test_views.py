from __future__ import annotations

from sqlalchemy import select

from portal.models import AuditEvent, Organisation, OrgKind
from tests.conftest import CONFIRMED, versioned
from tests.factories import make_admin, make_ccvg_with_communes, make_org, make_user, valid_siret

HTMX = {"HX-Request": "true"}


def test_index_lists_filters_and_paginates(login_as, app):
    client = login_as(make_admin())
    for n in range(7):
        make_org(OrgKind.COMPANY, name=f"Entreprise Zeta {n}")
    make_org(OrgKind.STRUCTURE, name="Structure Omega")
    page1 = client.get("/organisations/?q=zeta")
    html = page1.get_data(as_text=True)
    assert page1.status_code == 200
    assert "1 à 5 sur 7" in html  # TestConfig.PAGE_SIZE = 5
    assert "Structure Omega" not in html
    page2 = client.get("/organisations/?q=zeta&page=2").get_data(as_text=True)
    assert "6 à 7 sur 7" in page2
    by_kind = client.get("/organisations/?type=structure").get_data(as_text=True)
    assert "Structure Omega" in by_kind
    assert "Entreprise Zeta" not in by_kind


def test_index_htmx_returns_the_fragment_of_the_page(login_as):
    client = login_as(make_admin())
    make_org(OrgKind.COMPANY, name="Fragment SA")
    fragment = client.get("/organisations/?q=fragment", headers=HTMX)
    body = fragment.get_data(as_text=True)
    assert fragment.status_code == 200
    assert "<html" not in body
    assert "Fragment SA" in body
    assert "HX-Request" in fragment.headers["Vary"]
    page = client.get("/organisations/?q=fragment").get_data(as_text=True)
    assert body.strip() in page


def test_search_by_siret_digits(login_as):
    client = login_as(make_admin())
    org = make_org(OrgKind.COMPANY, name="Par Siret")
    html = client.get(f"/organisations/?q={org.siret[:3]} {org.siret[3:6]}").get_data(as_text=True)
    assert "Par Siret" in html


def test_index_has_no_n_plus_one(app, login_as, assert_max_queries):
    app.config["PAGE_SIZE"] = 50  # every row on one page: more rows, same query count
    client = login_as(make_admin())
    _ccvg, _ = make_ccvg_with_communes("A", "B", "C")
    for _n in range(4):
        make_user(make_org(OrgKind.COMPANY))
    with assert_max_queries(6) as counter:
        client.get("/organisations/?statut=toutes")
    small = counter.count
    for _n in range(10):
        make_user(make_org(OrgKind.COMPANY))
    with assert_max_queries(small):
        client.get("/organisations/?statut=toutes")


def test_create_company_with_wrong_then_right_siret(login_as, db):
    client = login_as(make_admin())
    data = {"kind": "company", "name": "Nouvelle Entreprise", "siret": "123 456 789 00012"}
    wrong = client.post_form("/organisations/nouvelle", data, htmx=True)
    assert wrong.status_code == 422
    body = wrong.get_data(as_text=True)
    assert "clé de contrôle est fausse" in body
    assert 'aria-invalid="true"' in body
    assert "<html" not in body
    good_siret = valid_siret(4242)
    spaced = f"{good_siret[:3]} {good_siret[3:6]} {good_siret[6:9]} {good_siret[9:]}"
    created = client.post_form("/organisations/nouvelle", {**data, "siret": spaced}, htmx=True)
    assert created.status_code == 200
    org = db.session.scalars(
        select(Organisation).where(Organisation.name == "Nouvelle Entreprise")
    ).one()
    assert org.siret == good_siret
    assert created.headers["HX-Redirect"] == f"/organisations/{org.id}"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "organisation.created")
    ).one()
    assert event.object_id == str(org.id)


def test_inline_field_validation_saves_nothing(login_as, db):
    client = login_as(make_admin())
    response = client.post_form(
        "/organisations/nouvelle",
        {"kind": "company", "name": "", "siret": "1234", "_validate": "siret"},
        htmx=True,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Le SIRET doit comporter 14 chiffres." in html
    assert "Saisissez le nom" not in html  # fields not reached yet stay quiet
    assert db.session.scalar(select(Organisation.id).where(Organisation.kind == "company")) is None


def test_form_rules(login_as):
    client = login_as(make_admin())
    existing = make_org(OrgKind.COMPANY)
    cases = [
        ({"kind": "company", "name": "A"}, "Le SIRET est obligatoire pour ce type."),
        (
            {"kind": "structure", "name": "B", "siret": valid_siret(77)},
            "Choisissez le type de structure.",
        ),
        (
            {"kind": "company", "name": "C", "siret": valid_siret(78), "structure_kind": "ACI"},
            "Seule une structure d&#39;insertion a un type de structure.",
        ),
        (
            {"kind": "company", "name": "D", "siret": existing.siret},
            "Une organisation avec ce SIRET existe déjà.",
        ),
        ({"kind": "", "name": "E"}, "Choisissez le type d&#39;organisation."),
        (
            {"kind": "buyer", "name": "F", "contact_phone": "abc"},
            "numéro de téléphone n&#39;est pas valide",
        ),
        (
            {"kind": "buyer", "name": "G", "contact_email": "pas-un-mail"},
            "adresse e-mail n&#39;est pas valide",
        ),
        ({"kind": "buyer", "name": "H", "siret": "12345678901234x"}, "Le SIRET"),
        ({"kind": "prescriber", "name": "I"}, "Choisissez le type de prescripteur."),
        (
            {"kind": "buyer", "name": "J", "prescriber_kind": "plie"},
            "Seul un prescripteur a un type de prescripteur.",
        ),
    ]
    for data, message in cases:
        response = client.post_form("/organisations/nouvelle", data)
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data


def test_commune_attached_to_coordinator(login_as, db):
    client = login_as(make_admin())
    ccvg = make_org(OrgKind.BUYER, name="Coordonnateur")
    response = client.post_form(
        "/organisations/nouvelle",
        {"kind": "buyer", "name": "Commune Neuve", "parent_id": str(ccvg.id)},
    )
    assert response.status_code == 303
    commune = db.session.scalars(
        select(Organisation).where(Organisation.name == "Commune Neuve")
    ).one()
    assert commune.parent_id == ccvg.id
    company = make_org(OrgKind.COMPANY)
    refused = client.post_form(
        f"/organisations/{company.id}/modifier",
        versioned(
            company, {"name": company.name, "siret": company.siret, "parent_id": str(ccvg.id)}
        ),
    )
    assert refused.status_code == 422


def test_edit_keeps_kind_and_audits_changed_fields(login_as, db):
    client = login_as(make_admin())
    org = make_org(OrgKind.COMPANY, name="Avant")
    response = client.post_form(
        f"/organisations/{org.id}/modifier",
        versioned(
            org, {"kind": "buyer", "name": "Après", "siret": org.siret, "address": "1 rue du Garon"}
        ),
    )
    assert response.status_code == 303
    db.session.refresh(org)
    assert (org.name, org.kind, org.address) == ("Après", "company", "1 rue du Garon")
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "organisation.updated")
    ).one()
    assert event.detail == "fields=name,address"
    assert "Après" not in event.detail


def test_deactivate_and_reactivate(login_as, db):
    admin = make_admin()
    client = login_as(admin)
    org = make_org()
    assert (
        client.post_form(
            f"/organisations/{org.id}/desactiver", versioned(org, CONFIRMED)
        ).status_code
        == 303
    )
    db.session.refresh(org)
    assert org.active is False
    assert "Désactivée" in client.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert client.post_form(f"/organisations/{org.id}/reactiver", versioned(org)).status_code == 303
    db.session.refresh(org)
    assert org.active is True
    own = client.post_form(
        f"/organisations/{admin.organisation_id}/desactiver",
        versioned(admin.organisation, CONFIRMED),
    )
    assert own.status_code == 409
    assert "propre organisation" in own.get_data(as_text=True)


def test_show_scoping(login_as):
    ccvg, (commune, other) = make_ccvg_with_communes("Un", "Deux")
    ccvg_client = login_as(make_user(ccvg))
    assert ccvg_client.get(f"/organisations/{commune.id}").status_code == 200
    html = ccvg_client.get(f"/organisations/{ccvg.id}").get_data(as_text=True)
    assert "Commune de Un" in html and "Commune de Deux" in html
    commune_client = login_as(make_user(commune))
    assert commune_client.get(f"/organisations/{commune.id}").status_code == 200
    assert commune_client.get(f"/organisations/{other.id}").status_code == 404


def test_colleagues_visible_only_inside_the_organisation(login_as):
    ccvg, (commune,) = make_ccvg_with_communes("Trois")
    secret_colleague = make_user(commune, name="Collègue Discrète")
    ccvg_client = login_as(make_user(ccvg))
    assert "Collègue Discrète" not in ccvg_client.get(f"/organisations/{commune.id}").get_data(
        as_text=True
    )
    commune_client = login_as(make_user(commune))
    assert secret_colleague.name in commune_client.get(f"/organisations/{commune.id}").get_data(
        as_text=True
    )


def test_a_prescriber_is_created_with_its_kind(login_as, db):
    client = login_as(make_admin())
    created = client.post_form(
        "/organisations/nouvelle",
        {
            "kind": "prescriber",
            "name": "Mission locale du Garon",
            "prescriber_kind": "mission_locale",
        },
    )
    assert created.status_code in (302, 303)
    org = db.session.scalars(
        select(Organisation).where(Organisation.name == "Mission locale du Garon")
    ).one()
    assert (org.kind, org.prescriber_kind) == (OrgKind.PRESCRIBER, "mission_locale")
    page = client.get(f"/organisations/{org.id}")
    assert "Type de prescripteur" in page.get_data(as_text=True)
    assert "Mission locale" in page.get_data(as_text=True)
