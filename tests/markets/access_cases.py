from decimal import Decimal

from sqlalchemy import select

from portal.extensions import db
from portal.markets import split as tce
from portal.models import Lot, Market, Operation, Role, SubcontractorShare, TceSplit
from portal.models.accounts import CLAUSE_ROLES
from tests.conftest import text_of
from tests.factories import make_lot, make_market, make_operation
from tests.personas import ROLE_OF
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
expect("markets.operations", "markets.operation", "markets.market", roles=AMOI_AND_BUYERS)
expect("markets.lots", "markets.lot", "markets.export", roles=CLAUSE_ROLES)
expect(
    "markets.operation_create",
    "markets.operation_edit",
    "markets.operation_transition",
    "markets.market_create",
    "markets.market_edit",
    "markets.lot_create",
    "markets.lot_edit",
    "markets.calculator",
    "markets.share_create",
    "markets.share_delete",
    "markets.tce_split_hours",
    roles=(Role.FACILITATOR,),
)
expect(
    "markets.tce_split",
    "markets.tce_split_action",
    roles=(Role.FACILITATOR, Role.BUYER, Role.COMPANY),
)
exempt_cross_org(
    "the AMOI prepares every buyer's operations (docs/permissions.md); other roles get 403",
    "markets.operation_edit",
    "markets.operation_transition",
    "markets.market_create",
    "markets.market_edit",
    "markets.lot_create",
    "markets.lot_edit",
    "markets.share_create",
    "markets.share_delete",
    "markets.tce_split_hours",
)


def _operation_state(operation_id):
    return lambda: db.session.execute(
        select(Operation.name, Operation.status, Operation.updated_at).where(
            Operation.id == operation_id
        )
    ).one()


def _lot_state(lot_id):
    return lambda: db.session.execute(
        select(Lot.title, Lot.planned_hours, Lot.holder_id, Lot.updated_at).where(Lot.id == lot_id)
    ).one()


@cross_org("markets.operation")
def commune_reads_other_commune_operation(world):
    op = make_operation(world.other_commune)
    return CrossOrgCase(
        world.users["buyer_commune"], {"operation_id": op.id}, _operation_state(op.id)
    )


@cross_org("markets.operation")
def commune_reads_the_ccvg_operation(world):
    op = make_operation(world.ccvg)
    return CrossOrgCase(
        world.users["buyer_commune"], {"operation_id": op.id}, _operation_state(op.id)
    )


@cross_org("markets.lot")
def company_reads_other_company_lot(world):
    # Same operation, same market: holding one lot does not open its neighbour.
    market = make_market(make_operation(world.commune))
    make_lot(market, holder=world.company)
    lot = make_lot(market, holder=world.other_company)
    return CrossOrgCase(world.users["company"], {"lot_id": lot.id}, _lot_state(lot.id))


@cross_org("markets.lot")
def structure_reads_other_structure_lot(world):
    lot = make_lot(make_market(make_operation(world.ccvg)), holder=world.other_structure)
    return CrossOrgCase(world.users["structure"], {"lot_id": lot.id}, _lot_state(lot.id))


@cross_org("markets.lot")
def commune_reads_other_commune_lot(world):
    lot = make_lot(make_market(make_operation(world.other_commune)), holder=world.company)
    return CrossOrgCase(world.users["buyer_commune"], {"lot_id": lot.id}, _lot_state(lot.id))


def _tce_operation(buyer, contractor):
    from portal.markets import split as tce

    op = make_operation(buyer, is_tce=True, tce_hours=1000)
    op.general_contractor = contractor
    db.session.flush()
    split = tce.ensure_split(op)
    db.session.commit()
    return op, split


def _split_state(split_id):
    from portal.models import TceSplit

    return lambda: db.session.execute(
        select(TceSplit.status, TceSplit.version).where(TceSplit.id == split_id)
    ).one()


@cross_org("markets.tce_split", "markets.tce_split_action")
def company_reads_another_contractors_split(world):
    op, split = _tce_operation(world.commune, world.other_company)
    return CrossOrgCase(
        world.users["company"],
        {"operation_id": op.id, "action": "accept"},
        _split_state(split.id),
    )


@cross_org("markets.tce_split", "markets.tce_split_action")
def commune_reads_other_commune_split(world):
    op, split = _tce_operation(world.other_commune, world.company)
    return CrossOrgCase(
        world.users["buyer_commune"],
        {"operation_id": op.id, "action": "validate_buyer"},
        _split_state(split.id),
    )


def _market_state(market_id):
    return lambda: db.session.execute(
        select(Market.reference, Market.title, Market.updated_at).where(Market.id == market_id)
    ).one()


@cross_org("markets.market")
def commune_reads_other_commune_market(world):
    market = make_market(make_operation(world.other_commune))
    return CrossOrgCase(
        world.users["buyer_commune"], {"market_id": market.id}, _market_state(market.id)
    )


@cross_org("markets.market")
def commune_reads_the_ccvg_market(world):
    market = make_market(make_operation(world.ccvg))
    return CrossOrgCase(
        world.users["buyer_commune"], {"market_id": market.id}, _market_state(market.id)
    )


# --- admitted personas act on real objects (tests/security/test_admitted_roles_act.py) ------


def _buyer_of(world, persona):
    """The CCVG acts on its own operations; everyone else sees the commune's."""
    return world.ccvg if persona == "buyer_ccvg" else world.commune


@acts("markets.lot")
def a_lot_the_persona_sees(world, persona):
    holder = world.structure if persona == "structure" else world.company
    lot = make_lot(make_market(make_operation(_buyer_of(world, persona))), holder=holder)
    return ActCase({"lot_id": lot.id}, check=lambda response: lot.title in text_of(response))


@acts("markets.operation")
def an_operation_of_the_buyer(world, persona):
    operation = make_operation(_buyer_of(world, persona), name="Gymnase des Tilleuls")
    return ActCase(
        {"operation_id": operation.id},
        check=lambda response: "Gymnase des Tilleuls" in text_of(response),
    )


def _proposed_split(world, persona):
    """A TCE operation whose general contractor is the company, its split proposed."""
    operation = make_operation(
        _buyer_of(world, persona), is_tce=True, tce_hours=1000, general_contractor=world.company
    )
    make_lot(make_market(operation), planned_hours=1000, holder=world.company)
    db.session.add(
        SubcontractorShare(
            operation=operation,
            company=world.company,
            trade="masonry",
            amount_excl_tax=Decimal("600000"),
        )
    )
    db.session.commit()
    db.session.refresh(operation)
    split = tce.ensure_split(operation)
    tce.propose_hours(operation)
    tce.act(split, "propose", world.users["facilitator"])
    db.session.commit()
    return operation, split


@acts("markets.tce_split")
def the_split_of_the_contractors_lot(world, persona):
    operation, _split = _proposed_split(world, persona)
    return ActCase(
        {"operation_id": operation.id},
        check=lambda response: "Proposée" in text_of(response) or "proposée" in text_of(response),
    )


@acts("markets.tce_split_action", method="POST")
def each_party_moves_the_split_one_step(world, persona):
    """The contractor accepts, the AMOI validates, then the operation's buyer."""
    operation, split = _proposed_split(world, persona)
    role = ROLE_OF[persona]
    if role != "company":
        tce.act(split, "accept", world.users["company"])
    if role == "buyer":
        tce.act(split, "validate_amoi", world.users["facilitator"])
    db.session.commit()
    action = {"company": "accept", "facilitator": "validate_amoi", "buyer": "validate_buyer"}
    expected = {"company": "accepted", "facilitator": "amoi_validated", "buyer": "validated"}
    split_id = split.id
    return ActCase(
        {"operation_id": operation.id, "action": action[role]},
        data=versioned(split),
        check=lambda response: db.session.get(TceSplit, split_id).status == expected[role],
    )
