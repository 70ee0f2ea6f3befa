"""The people of one lot (docs/domain.md §5): the employer and the AMOI read the names, the
lot's buyer counts only; the list of names leaves an audit line."""

from sqlalchemy import select

from portal.models import AuditEvent, OrgKind
from tests.conftest import text_of
from tests.factories import make_lot, make_market, make_operation, make_org, make_user
from tests.people.builders import amoi_user, identity, make_placement


def _lot_with_two_people(buyer):
    company = make_org(OrgKind.COMPANY)
    lot = make_lot(make_market(make_operation(buyer)), holder=company)
    user = make_user(company)
    make_placement(company, lot=lot, user=user, who=identity(last_name="Exemple-Un"))
    make_placement(
        company, lot=lot, user=user, who=identity(last_name="Exemple-Deux"), modality="geiq"
    )
    return lot, user


def test_the_employer_reads_the_names_and_the_read_is_audited(app, db, login_as):
    lot, user = _lot_with_two_people(make_org(OrgKind.BUYER))
    page = login_as(user).get(f"/lots/{lot.id}/personnes")
    assert page.status_code == 200
    text = text_of(page)
    assert "EXEMPLE-UN" in text and "EXEMPLE-DEUX" in text
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "placements.listed")
    ).one()
    assert (event.actor_id, event.object_type, event.object_id) == (user.id, "Lot", str(lot.id))
    assert "EXEMPLE" not in (event.detail or "").upper()


def test_the_buyer_reads_counts_never_a_name(app, db, login_as):
    buyer = make_org(OrgKind.BUYER)
    lot, _ = _lot_with_two_people(buyer)
    page = login_as(make_user(buyer)).get(f"/lots/{lot.id}/personnes")
    assert page.status_code == 200
    text = text_of(page)
    assert "EXEMPLE" not in text.upper()
    assert "2\u00a0personnes" in text and "2\u00a0embauches" in text
    assert "GEIQ" in text


def test_the_lot_page_links_to_its_people(app, db, login_as):
    lot, _ = _lot_with_two_people(make_org(OrgKind.BUYER))
    page = login_as(amoi_user()).get(f"/lots/{lot.id}")
    assert f'href="/lots/{lot.id}/personnes"' in page.get_data(as_text=True)
    assert "EXEMPLE-UN" in text_of(login_as(amoi_user()).get(f"/lots/{lot.id}/personnes"))


def test_an_empty_lot_says_so(app, db, login_as):
    company = make_org(OrgKind.COMPANY)
    lot = make_lot(holder=company)
    page = login_as(make_user(company)).get(f"/lots/{lot.id}/personnes")
    assert "Aucune embauche n'est encore confirmée sur ce lot." in text_of(page)
