"""The AMOI's review, its reconsideration, and the conversion into an operation."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.markets.services import operation_from_declaration
from portal.models import AuditEvent, Operation
from tests.census.builders import census_world, make_declaration
from tests.conftest import CONFIRMED, text_of, versioned, words_of


def _events(db, action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def _operation_count(db):
    return db.session.scalar(select(func.count(Operation.id)))


def _retained(world, **overrides):
    values = {
        "status": "retained",
        "recommended_basis": "execution_condition",
        "review_comment": "Beaucoup de main-d'œuvre : clause recommandée.",
        "reviewed_by_id": world.facilitator.id,
        "reviewed_at": datetime(2026, 2, 1, 9, 30, tzinfo=UTC),
    }
    return make_declaration(world.commune, **{**values, **overrides})


def test_review_page_shows_the_declaration_and_the_bases(login_as):
    world = census_world()
    declaration = make_declaration(world.commune, title="Construction d'une crèche")
    response = login_as(world.facilitator).get(f"/recensement/{declaration.id}/avis")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1") == 1
    assert "Construction d&#39;une crèche" in html
    assert "Clause d&#39;insertion (condition d&#39;exécution) – L2112-2" in html
    assert "Marché réservé SIAE – L2113-13" in html
    for label in ('for="decision"', 'for="recommended_basis"', 'for="review_comment"'):
        assert label in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"decision": "retain", "review_comment": "Oui."}, "Choisissez la base juridique"),
        (
            {"decision": "retain", "recommended_basis": "reserved_siae"},
            "Motivez l&#39;avis : le commentaire est obligatoire.",
        ),
        ({"decision": "decline"}, "Motivez l&#39;avis : le commentaire est obligatoire."),
        ({"review_comment": "Oui."}, "Indiquez si l&#39;achat se prête à une clause"),
        (
            {"decision": "retain", "recommended_basis": "inconnue", "review_comment": "Oui."},
            "N&#39;est pas un choix valide.",
        ),
    ],
)
def test_review_requires_decision_basis_and_comment(login_as, db, data, message):
    world = census_world()
    declaration = make_declaration(world.commune)
    response = login_as(world.facilitator).post_form(
        f"/recensement/{declaration.id}/avis", versioned(declaration, data)
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(declaration)
    assert declaration.status == "submitted"
    assert declaration.reviewed_at is None
    assert _events(db, "declaration.reviewed") == []


def test_retain_stores_the_review(login_as, db):
    world = census_world()
    declaration = make_declaration(world.commune)
    client = login_as(world.facilitator)
    response = client.post_form(
        f"/recensement/{declaration.id}/avis",
        versioned(
            declaration,
            {
                "decision": "retain",
                "recommended_basis": "execution_condition",
                "review_comment": "  Chantier de 18 mois : clause adaptée.  ",
            },
        ),
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/recensement/{declaration.id}"
    db.session.refresh(declaration)
    assert declaration.status == "retained"
    assert declaration.recommended_basis == "execution_condition"
    assert declaration.review_comment == "Chantier de 18 mois : clause adaptée."
    assert declaration.reviewed_by_id == world.facilitator.id
    assert declaration.reviewed_at is not None
    (event,) = _events(db, "declaration.reviewed")
    assert event.detail == "decision=retain basis=execution_condition"
    assert event.object_id == str(declaration.id)
    # the buyer reads the review; the AMOI now sees the conversion and reopening buttons
    buyer_html = (
        login_as(world.commune_user).get(f"/recensement/{declaration.id}").get_data(as_text=True)
    )
    assert "Clause recommandée" in buyer_html
    assert "Clause d&#39;insertion (condition d&#39;exécution) – L2112-2" in buyer_html
    assert "Chantier de 18 mois : clause adaptée." in buyer_html
    assert world.facilitator.name in buyer_html
    assert "Modifier la déclaration" not in buyer_html
    amoi_html = text_of(client.get(f"/recensement/{declaration.id}"))
    assert "Créer l'opération" in amoi_html
    assert "Rouvrir l'avis" in amoi_html
    assert "Donner l'avis" not in amoi_html


def test_decline_ignores_a_basis(login_as, db):
    world = census_world()
    declaration = make_declaration(world.commune)
    response = login_as(world.facilitator).post_form(
        f"/recensement/{declaration.id}/avis",
        versioned(
            declaration,
            {
                "decision": "decline",
                "recommended_basis": "reserved_siae",
                "review_comment": "Fourniture sur catalogue.",
            },
        ),
        htmx=True,
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == f"/recensement/{declaration.id}"
    db.session.refresh(declaration)
    assert declaration.status == "declined"
    assert declaration.recommended_basis is None
    assert declaration.review_comment == "Fourniture sur catalogue."
    (event,) = _events(db, "declaration.reviewed")
    assert event.detail == "decision=decline"


@pytest.mark.parametrize("status", ["retained", "declined"])
def test_a_reviewed_declaration_cannot_be_reviewed_again(login_as, db, status):
    world = census_world()
    declaration = _retained(world, status=status)
    client = login_as(world.facilitator)
    url = f"/recensement/{declaration.id}/avis"
    assert client.get(url).status_code == 409
    response = client.post_form(
        url,
        versioned(declaration, {"decision": "decline", "review_comment": "Autre avis."}),
        htmx=True,
    )
    assert response.status_code == 409
    assert "Rouvrez-la" in response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == "#alerts"
    db.session.refresh(declaration)
    assert declaration.status == status
    assert declaration.review_comment != "Autre avis."


def test_reconsider_reopens_the_review(login_as, db):
    world = census_world()
    declaration = _retained(world)
    client = login_as(world.facilitator)
    response = client.post_form(f"/recensement/{declaration.id}/rouvrir", versioned(declaration))
    assert response.status_code == 303
    db.session.refresh(declaration)
    assert declaration.status == "submitted"
    assert declaration.recommended_basis is None
    assert declaration.review_comment == ""
    assert declaration.reviewed_by_id is None and declaration.reviewed_at is None
    (event,) = _events(db, "declaration.reconsidered")
    assert event.detail == "previous=retained basis=execution_condition"
    # the buyer may correct it again, the AMOI may review it again
    assert (
        login_as(world.commune_user).get(f"/recensement/{declaration.id}/modifier").status_code
        == 200
    )
    assert client.get(f"/recensement/{declaration.id}/avis").status_code == 200
    again = client.post_form(f"/recensement/{declaration.id}/rouvrir", versioned(declaration))
    assert again.status_code == 409
    assert "rien à rouvrir" in again.get_data(as_text=True)
    assert len(_events(db, "declaration.reconsidered")) == 1


def test_reconsider_a_declined_declaration(login_as, db):
    world = census_world()
    declaration = _retained(world, status="declined", recommended_basis=None)
    response = login_as(world.facilitator).post_form(
        f"/recensement/{declaration.id}/rouvrir", versioned(declaration)
    )
    assert response.status_code == 303
    db.session.refresh(declaration)
    assert declaration.status == "submitted"
    (event,) = _events(db, "declaration.reconsidered")
    assert event.detail == "previous=declined"


def test_convert_creates_the_operation(login_as, db):
    """Needs the ``markets`` blueprint (the redirect goes to ``markets.operation``)."""
    world = census_world()
    declaration = _retained(
        world,
        title="Réhabilitation de l'école",
        nature="works",
        estimated_amount=Decimal("900000"),
        comment="Deux tranches.",
    )
    client = login_as(world.facilitator)
    step = client.post_form(f"/recensement/{declaration.id}/operation", versioned(declaration))
    assert step.status_code == 200  # asks first: nothing is created yet
    assert "La déclaration deviendra définitive" in words_of(step)
    assert _operation_count(db) == 0
    response = client.post_form(
        f"/recensement/{declaration.id}/operation", versioned(declaration, CONFIRMED)
    )
    db.session.refresh(declaration)
    operation = db.session.get(Operation, declaration.operation_id)
    assert operation is not None
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/operations/{operation.id}")
    assert (operation.buyer_id, operation.name, operation.nature) == (
        world.commune.id,
        "Réhabilitation de l'école",
        "works",
    )
    assert declaration.status == "converted"
    assert declaration.converted_by_id == world.facilitator.id
    assert declaration.converted_at is not None
    (event,) = _events(db, "declaration.converted")
    assert event.detail == f"operation={operation.id}"


@pytest.mark.parametrize("status", ["submitted", "declined"])
def test_convert_refuses_a_declaration_without_recommended_clause(login_as, db, status):
    world = census_world()
    declaration = _retained(world, status=status, recommended_basis=None)
    response = login_as(world.facilitator).post_form(
        f"/recensement/{declaration.id}/operation", versioned(declaration)
    )
    assert response.status_code == 409
    assert "recommande une clause" in response.get_data(as_text=True)
    db.session.refresh(declaration)
    assert declaration.status == status
    assert declaration.operation_id is None and declaration.converted_by_id is None
    assert _operation_count(db) == 0
    assert _events(db, "declaration.converted") == []


def test_a_converted_declaration_is_final(login_as, db):
    world = census_world()
    declaration = _retained(world)
    operation_from_declaration(declaration, world.facilitator)
    db.session.commit()
    client = login_as(world.facilitator)
    for url in ("operation", "rouvrir"):
        response = client.post_form(f"/recensement/{declaration.id}/{url}", versioned(declaration))
        assert response.status_code == 409, url
        assert "déjà devenue une opération" in response.get_data(as_text=True)
    assert client.get(f"/recensement/{declaration.id}/avis").status_code == 409
    db.session.refresh(declaration)
    assert declaration.status == "converted"
    assert _operation_count(db) == 1


def test_converted_declaration_page_links_its_operation(login_as, db):
    """Needs the ``markets`` blueprint (the page links to ``markets.operation``)."""
    world = census_world()
    declaration = _retained(world, title="Piscine")
    operation = operation_from_declaration(declaration, world.facilitator)
    db.session.commit()
    html = login_as(world.commune_user).get(f"/recensement/{declaration.id}").get_data(as_text=True)
    assert f"/operations/{operation.id}" in html
    assert "Opération créée" in html
    assert world.facilitator.name in html
