"""Who sees and does what with quotes (docs/permissions.md): the scope rule of quotes and
the predicates of their pages (convention art. 7). Imported with the blueprint
(``portal/quotes/__init__.py``).
"""

from __future__ import annotations

from sqlalchemy import Select

from portal.access import Role, buyer_org_ids, is_coordinator, is_facilitator, predicate, scope_rule
from portal.models import Quote, User


@scope_rule(Quote)
def _quotes(stmt: Select, user: User) -> Select:
    """Quotes: the CCVG sees all of its own and its communes'; a commune those of its
    operations (read-only); drafts stay with the AMOI until submitted. Companies and
    structures never see the AMOI's prices."""
    if user.role is Role.BUYER:
        return stmt.where(
            Quote.buyer_id.in_(buyer_org_ids(user.organisation)), Quote.status != "draft"
        )
    return stmt.where(False)


@predicate
def can_manage_quotes(user: User | None) -> bool:
    """The AMOI prices its work: creates, edits and submits quotes, records deliveries and
    payments (convention art. 7)."""
    return is_facilitator(user)


@predicate
def can_approve_quote(user: User | None, quote: Quote) -> bool:
    """A submitted quote is approved or rejected by a CCVG user (convention art. 7); the
    communes read their quotes only."""
    return (
        is_coordinator(user)
        and quote.status == "submitted"
        and quote.buyer_id in buyer_org_ids(user.organisation)
    )


@predicate
def can_record_chorus_references(user: User | None, quote: Quote) -> bool:
    """The Chorus Pro references of a quote (receiving SIRET, service code, commitment
    number) are given by the CCVG, which pays (convention art. 7), or recorded for it by
    the AMOI; the communes read them."""
    if is_facilitator(user):
        return True
    return is_coordinator(user) and quote.buyer_id in buyer_org_ids(user.organisation)
