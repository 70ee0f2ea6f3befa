"""The personas' world with one object of each kind that its members may see, so that a
walk over the routes reaches real pages (not only 404s)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.extensions import db
from portal.quotes import services as quote_service
from tests.census.builders import make_declaration
from tests.factories import make_lot, make_market, make_operation
from tests.personas import World, build_world
from tests.quotes.builders import IN_CONVENTION, make_quote


@dataclass
class FurnishedWorld:
    world: World
    ids: dict[str, int]

    def kwargs_for(self, route, persona: str) -> dict:
        """URL arguments of ``route`` naming objects ``persona`` may see."""
        values = {
            **self.ids,
            "org_id": self.world.users[persona].organisation_id,
            "user_id": self.world.users[persona].id,
            "fmt": "xlsx",
            "token": "lien-inexistant",
        }
        return {name: values.get(name, 999_999) for name, _ in route.arguments}


def furnished_world() -> FurnishedWorld:
    """A commune's operation with a lot held by the company, a submitted census
    declaration of the commune, and an approved quote with its deposit invoice."""
    world = build_world()
    operation = make_operation(world.commune, name="Opération meublée")
    market = make_market(operation)
    lot = make_lot(market, holder=world.company, planned_hours=300)
    declaration = make_declaration(world.commune)
    quote = make_quote(operation, world.users["facilitator"], status="submitted")
    invoice = quote_service.approve(quote, world.users["buyer_ccvg"], IN_CONVENTION)
    db.session.commit()
    return FurnishedWorld(
        world,
        {
            "operation_id": operation.id,
            "market_id": market.id,
            "lot_id": lot.id,
            "declaration_id": declaration.id,
            "quote_id": quote.id,
            "invoice_id": invoice.id,
        },
    )
