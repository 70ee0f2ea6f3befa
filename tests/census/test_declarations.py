"""Buyers declare and correct their purchases; scoping of the declaration pages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, OrgKind, PurchaseDeclaration
from tests.census.builders import census_world, make_declaration
from tests.conftest import text_of, versioned
from tests.factories import make_org

VALID = {
    "title": "Réhabilitation du gymnase",
    "nature": "works",
    "estimated_amount": "1 250 000,50",
    "planned_publication": "2026-09-15",
    "contact": "Service technique, 04 78 00 00 00",
    "comment": "Travaux en site occupé.",
}


def _declarations(db):
    return db.session.scalars(select(PurchaseDeclaration)).all()


def test_commune_declares_a_purchase(login_as, db):
    world = census_world()
    client = login_as(world.commune_user)
    page = client.get("/recensement/nouvelle")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "<title>" in html and "Déclarer un achat" in html
    response = client.post_form("/recensement/nouvelle", VALID)
    assert response.status_code == 303
    declaration = db.session.scalars(select(PurchaseDeclaration)).one()
    assert response.headers["Location"] == f"/recensement/{declaration.id}"
    assert declaration.buyer_id == world.commune.id
    assert declaration.declared_by_id == world.commune_user.id
    assert declaration.estimated_amount == Decimal("1250000.50")
    assert declaration.planned_publication == date(2026, 9, 15)
    assert declaration.status == "submitted"
    assert (declaration.contact, declaration.comment) == (VALID["contact"], VALID["comment"])
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "declaration.created")
    ).one()
    assert event.object_id == str(declaration.id)
    assert event.actor_id == world.commune_user.id
    assert event.organisation_id == world.commune.id
    assert "gymnase" not in event.detail


def test_declaration_accepts_a_french_typed_date(login_as, db):
    world = census_world()
    client = login_as(world.commune_user)
    data = {**VALID, "planned_publication": "03/02/2027"}
    assert client.post_form("/recensement/nouvelle", data).status_code == 303
    assert _declarations(db)[0].planned_publication == date(2027, 2, 3)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"estimated_amount": "-5000"}, "Le montant estimé doit être supérieur à 0 €."),
        ({"estimated_amount": "0"}, "Le montant estimé doit être supérieur à 0 €."),
        ({"estimated_amount": "douze mille"}, "n&#39;est pas un nombre valide"),
        ({"estimated_amount": ""}, "Saisissez le montant estimé hors taxes."),
        ({"estimated_amount": "12,345"}, "Saisissez au plus 2 décimales."),
        ({"planned_publication": ""}, "Saisissez la date de publication prévue"),
        ({"planned_publication": "31/02/2026"}, "Cette date n&#39;est pas valide."),
        ({"title": ""}, "Saisissez l&#39;intitulé de l&#39;achat."),
        ({"nature": ""}, "Choisissez la nature de l&#39;achat."),
        ({"nature": "autre"}, "N&#39;est pas un choix valide."),
    ],
)
def test_invalid_declaration_answers_422_in_french(login_as, db, changes, message):
    world = census_world()
    client = login_as(world.commune_user)
    response = client.post_form("/recensement/nouvelle", {**VALID, **changes})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "Le formulaire contient des erreurs" in html
    assert 'aria-invalid="true"' in html
    assert _declarations(db) == []


def test_invalid_declaration_with_htmx_returns_the_form_fragment(login_as, db):
    world = census_world()
    client = login_as(world.commune_user)
    response = client.post_form(
        "/recensement/nouvelle", {**VALID, "estimated_amount": "-1"}, htmx=True
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html
    assert 'id="declaration-form"' in html
    assert "supérieur à 0" in html
    assert _declarations(db) == []


def test_inline_validation_of_one_field_saves_nothing(login_as, db):
    world = census_world()
    client = login_as(world.commune_user)
    response = client.post_form(
        "/recensement/nouvelle",
        {"estimated_amount": "abc", "title": "", "_validate": "estimated_amount"},
        htmx=True,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "n&#39;est pas un nombre valide" in html
    assert "Saisissez l&#39;intitulé" not in html  # fields not reached yet stay quiet
    assert 'hx-post="/recensement/nouvelle"' in html
    assert _declarations(db) == []


def test_edit_while_submitted_audits_changed_field_names_only(login_as, db):
    world = census_world()
    declaration = make_declaration(
        world.commune,
        title="Ancien intitulé",
        estimated_amount=Decimal("50000"),
        planned_publication=date(2026, 9, 15),
        contact=VALID["contact"],
        comment=VALID["comment"],
    )
    client = login_as(world.commune_user)
    form = client.get(f"/recensement/{declaration.id}/modifier")
    assert form.status_code == 200
    assert 'value="50000"' in form.get_data(as_text=True)
    response = client.post_form(
        f"/recensement/{declaration.id}/modifier", versioned(declaration, VALID)
    )
    assert response.status_code == 303
    db.session.refresh(declaration)
    assert declaration.title == VALID["title"]
    assert declaration.estimated_amount == Decimal("1250000.50")
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "declaration.updated")
    ).one()
    assert event.detail == "fields=title,estimated_amount"
    assert event.object_id == str(declaration.id)


def test_ccvg_reads_but_does_not_correct_its_communes_declaration(login_as, db):
    world = census_world()
    declaration = make_declaration(world.commune)
    before = declaration.title
    client = login_as(world.ccvg_user)
    assert client.get(f"/recensement/{declaration.id}").status_code == 200
    response = client.post_form(
        f"/recensement/{declaration.id}/modifier", versioned(declaration, VALID)
    )
    assert response.status_code == 403
    assert "Seul l'acheteur qui a déclaré" in text_of(response)
    db.session.refresh(declaration)
    assert declaration.title == before


def test_the_edit_view_follows_the_predicates_and_restates_none(login_as, db, monkeypatch):
    """The view asks ``is_declaring_buyer`` (403) and ``can_edit_declaration`` (409) and
    decides nothing else: altered predicates are followed both ways (issue 14)."""
    from portal.census import views

    world = census_world()
    declaration = make_declaration(world.commune, title="Avant")
    url = f"/recensement/{declaration.id}/modifier"
    commune, ccvg = login_as(world.commune_user), login_as(world.ccvg_user)
    monkeypatch.setattr(views, "can_edit_declaration", lambda user, declaration: False)
    assert commune.post_form(url, versioned(declaration, VALID)).status_code == 409
    monkeypatch.setattr(views, "is_declaring_buyer", lambda user, declaration: False)
    assert commune.post_form(url, versioned(declaration, VALID)).status_code == 403
    monkeypatch.setattr(views, "is_declaring_buyer", lambda user, declaration: True)
    monkeypatch.setattr(views, "can_edit_declaration", lambda user, declaration: True)
    assert ccvg.post_form(url, versioned(declaration, VALID)).status_code == 303
    db.session.refresh(declaration)
    assert declaration.title == VALID["title"]


@pytest.mark.parametrize("status", ["retained", "declined", "converted"])
def test_edit_after_review_answers_409_and_changes_nothing(login_as, db, status):
    world = census_world()
    declaration = make_declaration(
        world.commune,
        title="Intitulé examiné",
        status=status,
        recommended_basis="execution_condition" if status != "declined" else None,
        review_comment="Avis rendu.",
        reviewed_by_id=world.facilitator.id,
        reviewed_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
    )
    client = login_as(world.commune_user)
    url = f"/recensement/{declaration.id}/modifier"
    page = client.get(url)
    assert page.status_code == 409
    assert "ne peut plus" in page.get_data(as_text=True)
    response = client.post_form(url, versioned(declaration, VALID))
    assert response.status_code == 409
    db.session.refresh(declaration)
    assert declaration.title == "Intitulé examiné"
    assert declaration.status == status
    assert (
        db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "declaration.updated"))
        is None
    )
    show = client.get(f"/recensement/{declaration.id}")
    if status != "converted":  # a converted page links to the markets blueprint
        assert show.status_code == 200
        assert "Modifier la déclaration" not in show.get_data(as_text=True)


def test_show_page_for_the_buyer_and_for_the_amoi(login_as):
    world = census_world()
    declaration = make_declaration(
        world.commune,
        title="Entretien des espaces verts",
        nature="services",
        estimated_amount=Decimal("18500.50"),
        planned_publication=date(2026, 11, 25),
        contact="Mme Dupont",
        comment="Marché de 4 ans.",
        declared_by_id=world.commune_user.id,
    )
    buyer_page = login_as(world.commune_user).get(f"/recensement/{declaration.id}")
    assert buyer_page.status_code == 200
    html = buyer_page.get_data(as_text=True)
    assert html.count("<h1") == 1
    for text in (
        "Entretien des espaces verts",
        "Services",
        "18\u202f500,50\u00a0€",
        "25/11/2026",
        "Mme Dupont",
        "Marché de 4 ans.",
        "À examiner",
        world.commune.name,
        world.commune_user.name,
        "n'a pas encore donné son avis",
        "Modifier la déclaration",
    ):
        assert text in html, text
    assert "Donner l'avis" not in html
    amoi_html = text_of(login_as(world.facilitator).get(f"/recensement/{declaration.id}"))
    assert "Donner l'avis de l'AMOI" in amoi_html
    assert "Modifier la déclaration" not in amoi_html
    assert "Créer l'opération" not in amoi_html  # only once a clause is recommended
    assert "Rouvrir l'avis" not in amoi_html


def test_commune_sees_only_its_own_declarations(login_as):
    world = census_world()
    own = make_declaration(world.commune, title="Achat de la commune Alpha")
    other = make_declaration(world.other_commune, title="Achat de la commune Beta")
    coordinator = make_declaration(world.ccvg, title="Achat de la CCVG")
    client = login_as(world.commune_user)
    html = client.get("/recensement/").get_data(as_text=True)
    assert own.title in html
    assert other.title not in html
    assert coordinator.title not in html
    assert 'id="c-acheteur"' not in html  # one buyer only: no buyer filter
    assert client.get(f"/recensement/{own.id}").status_code == 200
    assert client.get(f"/recensement/{other.id}").status_code == 404
    assert client.get(f"/recensement/{coordinator.id}").status_code == 404
    # a buyer id outside its reach in the filter is ignored, never an oracle
    filtered = client.get(f"/recensement/?acheteur={world.other_commune.id}")
    assert own.title in filtered.get_data(as_text=True)
    assert other.title not in filtered.get_data(as_text=True)


def test_ccvg_sees_its_communes_declarations(login_as):
    world = census_world()
    outsider = make_org(OrgKind.BUYER, name="Commune extérieure")
    titles = {
        make_declaration(world.ccvg, title="Achat CCVG").title,
        make_declaration(world.commune, title="Achat Alpha").title,
        make_declaration(world.other_commune, title="Achat Beta").title,
    }
    foreign = make_declaration(outsider, title="Achat extérieur")
    client = login_as(world.ccvg_user)
    html = client.get("/recensement/").get_data(as_text=True)
    for title in titles:
        assert title in html
    assert foreign.title not in html
    assert client.get(f"/recensement/{foreign.id}").status_code == 404
    # the buyer filter lists the CCVG and its communes, not other buyers
    assert 'id="c-acheteur"' in html
    for org in (world.ccvg, world.commune, world.other_commune):
        assert f'<option value="{org.id}"' in html
    assert f'<option value="{outsider.id}"' not in html
    by_buyer = client.get(f"/recensement/?acheteur={world.commune.id}").get_data(as_text=True)
    assert "Achat Alpha" in by_buyer
    assert "Achat Beta" not in by_buyer and "Achat CCVG" not in by_buyer


def test_only_buyers_declare(login_as):
    world = census_world()
    assert login_as(world.facilitator).get("/recensement/nouvelle").status_code == 403
    html = login_as(world.facilitator).get("/recensement/").get_data(as_text=True)
    assert "Déclarer un achat" not in html
    assert "Point de recensement annuel" in html
    buyer_html = login_as(world.commune_user).get("/recensement/").get_data(as_text=True)
    assert "Déclarer un achat" in buyer_html
    assert "Point de recensement annuel" not in buyer_html


def test_edit_crossing_a_review_answers_409(login_as, db, monkeypatch):
    """The AMOI's review lands between the buyer's loading of the declaration and the
    save: the row's version has moved, the stale edit answers 409 and changes nothing."""
    from sqlalchemy import update

    from portal.web import actions

    world = census_world()
    declaration = make_declaration(world.commune, title="Avant l'avis")
    seen = declaration.version
    loaded = actions.get_or_404

    def load_then_review(model, object_id):
        obj = loaded(model, object_id)
        db.session.execute(
            update(PurchaseDeclaration)
            .where(PurchaseDeclaration.id == object_id)
            .values(status="declined", version=PurchaseDeclaration.version + 1)
            .execution_options(synchronize_session=False)
        )
        return obj

    monkeypatch.setattr(actions, "get_or_404", load_then_review)
    response = login_as(world.commune_user).post_form(
        f"/recensement/{declaration.id}/modifier", {"version": str(seen), **VALID}
    )
    assert response.status_code == 409
    assert "Cette déclaration a été modifiée" in text_of(response)
    db.session.expire_all()
    assert db.session.get(PurchaseDeclaration, declaration.id).title == "Avant l'avis"
    assert (
        db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "declaration.updated"))
        is None
    )


def test_a_stale_page_answers_409_naming_who_changed_the_declaration(login_as, db):
    world = census_world()
    declaration = make_declaration(world.commune, title="Première version")
    buyer = login_as(world.commune_user)
    seen = versioned(declaration, VALID)
    assert buyer.post_form(f"/recensement/{declaration.id}/modifier", seen).status_code == 303
    again = buyer.post_form(f"/recensement/{declaration.id}/modifier", seen)  # the old page
    assert again.status_code == 409
    assert f"modifiée par {world.commune_user.name}" in text_of(again)
