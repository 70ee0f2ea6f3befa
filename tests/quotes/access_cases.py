from sqlalchemy import select

from portal.extensions import db
from portal.models import Invoice, Quote, Role
from portal.quotes import services as service
from tests.factories import make_user
from tests.quotes.builders import IN_CONVENTION, make_quote, priced_operation
from tests.security.registry import CrossOrgCase, cross_org, exempt_cross_org, expect

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
    "quotes.reserved_year",
    "quotes.add_pilotage",
    "invoices.paid",
    roles=(Role.FACILITATOR,),
)
expect("quotes.approve", "quotes.reject", roles=(Role.BUYER,))
exempt_cross_org(
    "the AMOI prices every buyer's operations (DESIGN.md 4.3); other roles get 403",
    "quotes.recalculate",
    "quotes.line",
    "quotes.add_line",
    "quotes.delete_line",
    "quotes.submit",
    "quotes.revise",
    "quotes.deliver",
    "quotes.annual_report",
    "quotes.reserved_year",
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
