"""What the audit trail must hold (issue 8, finding 7 and the missing tests): refusals
raised inside views (403, 409), exports, and never a personal value."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from portal.models import AuditEvent
from tests.census.builders import census_world, make_declaration
from tests.conftest import CONFIRMED, text_of, versioned
from tests.personas import build_world
from tests.quotes.builders import IN_CONVENTION, make_quote, priced_operation

VALID_DECLARATION = {
    "title": "Réhabilitation du gymnase",
    "nature": "works",
    "estimated_amount": "1 250 000,50",
    "planned_publication": "2026-09-15",
}


def _events(db, action):
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    ).all()


def _no_personal_value(events, *people):
    for event in events:
        text = f"{event.object_type} {event.object_id} {event.detail}"
        assert "@" not in text
        for person in people:
            assert person.name not in text
            assert person.email not in text


def test_ccvg_cannot_edit_a_communes_declaration_and_the_attempt_is_audited(login_as, db):
    """The coordinating buyer reads its communes' declarations but only the declaring
    commune corrects them: the view refuses (not only the missing button)."""
    world = census_world()
    declaration = make_declaration(world.commune, title="Titre de la commune")
    client = login_as(world.ccvg_user)
    show = client.get(f"/recensement/{declaration.id}")
    assert show.status_code == 200
    assert f"/recensement/{declaration.id}/modifier" not in show.get_data(as_text=True)
    form = client.get(f"/recensement/{declaration.id}/modifier")
    assert form.status_code == 403
    response = client.post_form(
        f"/recensement/{declaration.id}/modifier", versioned(declaration, VALID_DECLARATION)
    )
    assert response.status_code == 403
    assert "Seul l'acheteur qui a déclaré" in text_of(response)
    db.session.refresh(declaration)
    assert declaration.title == "Titre de la commune"
    events = _events(db, "access.denied")
    assert len(events) == 2
    for event in events:
        assert event.actor_id == world.ccvg_user.id
        assert event.object_id == "census.edit"
        assert f"declaration_id={declaration.id}" in event.detail
        assert "status=403" in event.detail
    _no_personal_value(events, world.ccvg_user, world.commune_user)


def test_refused_action_is_audited_without_its_message(login_as, db):
    world = census_world()
    declaration = make_declaration(
        world.commune,
        status="retained",
        recommended_basis="execution_condition",
        review_comment="Avis rendu.",
        reviewed_by_id=world.facilitator.id,
        reviewed_at=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
    )
    client = login_as(world.commune_user)
    response = client.post_form(
        f"/recensement/{declaration.id}/modifier", versioned(declaration, VALID_DECLARATION)
    )
    assert response.status_code == 409
    [event] = _events(db, "action.refused")
    assert event.actor_id == world.commune_user.id
    assert event.object_id == "census.edit"
    assert event.detail == f"status=409 endpoint=census.edit declaration_id={declaration.id}"


def test_stale_quote_refusal_names_no_one_in_the_trail(login_as, db):
    """The 409 page says who changed the quote; the audit line does not."""
    world = build_world()
    quote = make_quote(priced_operation(world.commune), world.users["facilitator"])
    client = login_as(world.users["facilitator_admin"])
    response = client.post_form(f"/devis/{quote.id}/soumettre", {"version": "0"})
    assert response.status_code == 409
    [event] = _events(db, "action.refused")
    assert event.object_id == "quotes.submit"
    _no_personal_value([event], world.users["facilitator"], world.users["facilitator_admin"])


def test_refusal_rolls_back_what_the_view_had_changed(app, login_as, db, monkeypatch):
    """The refusal's own line is committed, never the half-done change before it."""
    from portal.quotes import services as service

    world = build_world()
    quote = make_quote(priced_operation(world.commune), world.users["facilitator"])
    original_note = quote.note

    def change_then_refuse(quote, user):
        quote.note = "changement à moitié fait"
        raise service.QuoteRefused("Refusé pour le test.")

    monkeypatch.setattr(service, "submit", change_then_refuse)
    client = login_as(world.users["facilitator"])
    response = client.post_form(
        f"/devis/{quote.id}/soumettre", {"version": str(quote.version), **CONFIRMED}
    )
    assert response.status_code == 409
    db.session.refresh(quote)
    assert quote.note == original_note
    assert len(_events(db, "action.refused")) == 1


# --- exports ---------------------------------------------------------------------------------


def test_lot_exports_are_audited(login_as, db):
    world = build_world()
    client = login_as(world.users["company"])
    for fmt in ("xlsx", "csv"):
        assert client.export(f"/lots/export.{fmt}").status_code == 200
    events = _events(db, "export.lots")
    assert [e.object_id for e in events] == ["xlsx", "csv"]
    assert all(e.actor_id == world.users["company"].id for e in events)


def test_census_export_is_audited(login_as, db):
    world = census_world()
    make_declaration(world.commune)
    client = login_as(world.facilitator)
    response = client.export("/recensement/bilan.xlsx?annee=2026")
    assert response.status_code == 200
    [event] = _events(db, "export.census")
    assert event.actor_id == world.facilitator.id
    assert event.object_id == "xlsx"
    assert event.detail == "year=2026 rows=1"


def test_recap_export_is_audited(login_as, db):
    from portal.invoices import services as invoicing
    from portal.quotes import services as service

    world = build_world()
    quote = make_quote(
        priced_operation(world.commune), world.users["facilitator"], status="submitted"
    )
    invoice = service.approve(quote, world.users["buyer_ccvg"], IN_CONVENTION)
    invoicing.mark_paid(invoice, IN_CONVENTION, world.users["facilitator"])
    db.session.commit()
    client = login_as(world.users["buyer_ccvg"])
    year = IN_CONVENTION.year
    response = client.export(
        f"/factures/refacturation.xlsx?commune={world.commune.id}&annee={year}"
    )
    assert response.status_code == 200
    [event] = _events(db, "export.recap")
    assert event.actor_id == world.users["buyer_ccvg"].id
    assert event.object_type == "Organisation"
    assert event.object_id == str(world.commune.id)
    assert event.detail == f"format=xlsx year={year} rows=1"
