from sqlalchemy import select

from portal.extensions import db
from portal.models import Invoice, Quote, Role
from portal.quotes import services as service
from tests.conftest import text_of
from tests.factories import make_user
from tests.quotes.builders import IN_CONVENTION, make_quote, priced_operation
from tests.security.registry import (
    ActCase,
    CrossOrgCase,
    acts,
    cross_org,
    exempt_cross_org,
    expect,
    versioned,
)

AMOI_AND_BUYERS = (Role.FACILITATOR, Role.BUYER)
expect(
    "quotes.index",
    "quotes.show",
    "quotes.pdf",
    "invoices.index",
    "invoices.pdf",
    "invoices.recap",
    "invoices.recap_pdf",
    "invoices.recap_xlsx",
    "quotes.chorus_references",
    roles=AMOI_AND_BUYERS,
)
expect(
    "quotes.create",
    "quotes.recalculate",
    "quotes.line",
    "quotes.add_line",
    "quotes.delete_line",
    "quotes.submit",
    "quotes.revise",
    "quotes.deliver",
    "quotes.annual_report",
    "quotes.add_pilotage",
    "invoices.paid",
    roles=(Role.FACILITATOR,),
)
expect("quotes.approve", "quotes.reject", roles=(Role.BUYER,))
exempt_cross_org(
    "the AMOI prices every buyer's operations (docs/permissions.md); other roles get 403",
    "quotes.recalculate",
    "quotes.line",
    "quotes.add_line",
    "quotes.delete_line",
    "quotes.submit",
    "quotes.revise",
    "quotes.deliver",
    "quotes.annual_report",
    "quotes.add_pilotage",
    "invoices.paid",
)


def _quote_state(quote_id):
    return lambda: db.session.execute(
        select(Quote.status, Quote.version, Quote.total).where(Quote.id == quote_id)
    ).one()


def _other_commune_quote(world, status="submitted"):
    author = make_user(world.facilitator)
    operation = priced_operation(world.other_commune)
    return make_quote(operation, author, status=status, ccvg=world.ccvg)


@cross_org(
    "quotes.show", "quotes.pdf", "quotes.approve", "quotes.reject", "quotes.chorus_references"
)
def commune_acts_on_other_commune_quote(world):
    quote = _other_commune_quote(world)
    return CrossOrgCase(
        world.users["buyer_commune"], {"quote_id": quote.id}, _quote_state(quote.id)
    )


@cross_org("invoices.pdf")
def commune_reads_other_commune_invoice(world):
    quote = _other_commune_quote(world)
    invoice = service.approve(quote, world.users["buyer_ccvg"], IN_CONVENTION)
    db.session.commit()
    state = lambda: db.session.execute(  # noqa: E731
        select(Invoice.status, Invoice.version).where(Invoice.id == invoice.id)
    ).one()
    return CrossOrgCase(world.users["buyer_commune"], {"invoice_id": invoice.id}, state)


# --- admitted personas act on real objects (tests/security/test_admitted_roles_act.py) ------


def _own_quote(world, persona, status="submitted"):
    """A quote of the CCVG's own operation for its staff, of the commune's for the others."""
    buyer = world.ccvg if persona == "buyer_ccvg" else world.commune
    return make_quote(priced_operation(buyer), world.users["facilitator"], status=status)


def _quote_status(quote_id, status):
    return lambda response: db.session.get(Quote, quote_id).status == status


@acts("quotes.show")
def a_quote_the_persona_sees(world, persona):
    quote = _own_quote(world, persona)
    return ActCase({"quote_id": quote.id}, check=lambda response: quote.number in text_of(response))


@acts("quotes.submit", method="POST")
def the_amoi_submits_its_draft(world, persona):
    quote = _own_quote(world, persona, status="draft")
    return ActCase(
        {"quote_id": quote.id}, data=versioned(quote), check=_quote_status(quote.id, "submitted")
    )


@acts("quotes.approve", method="POST")
def the_ccvg_approves_a_submitted_quote(world, persona):
    quote = _own_quote(world, persona)
    return ActCase(
        {"quote_id": quote.id},
        data=versioned(quote),
        check=_quote_status(quote.id, "invoiced_deposit"),
        refused="" if persona == "buyer_ccvg" else "can_approve_quote: communes read theirs",
    )


def _deposit_invoice(world, persona):
    quote = _own_quote(world, persona)
    invoice = service.approve(quote, world.users["buyer_ccvg"], IN_CONVENTION)
    db.session.commit()
    return invoice


@acts("invoices.pdf")
def an_invoice_the_persona_sees(world, persona):
    invoice = _deposit_invoice(world, persona)
    return ActCase(
        {"invoice_id": invoice.id},
        check=lambda response: (
            response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
        ),
    )


@acts("invoices.paid", method="POST")
def the_amoi_records_a_payment(world, persona):
    invoice = _deposit_invoice(world, persona)
    invoice_id = invoice.id
    return ActCase(
        {"invoice_id": invoice.id},
        data=versioned(invoice, paid_on="10/07/2024"),
        check=lambda response: db.session.get(Invoice, invoice_id).status == "paid",
    )
