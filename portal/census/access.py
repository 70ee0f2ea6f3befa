"""Who sees and does what in the census of purchases (docs/permissions.md): the scope rule
of declarations and the predicates of their pages (convention art. 3). Imported with the
blueprint (``portal/census/__init__.py``).
"""

from __future__ import annotations

from sqlalchemy import Select

from portal.access import Role, buyer_org_ids, is_facilitator, predicate, scope_rule
from portal.models import PurchaseDeclaration, User


@scope_rule(PurchaseDeclaration)
def _declarations(stmt: Select, user: User) -> Select:
    """Census declarations: the declaring buyer (and the CCVG for its communes)."""
    if user.role is Role.BUYER:
        return stmt.where(PurchaseDeclaration.buyer_id.in_(buyer_org_ids(user.organisation)))
    return stmt.where(False)


@predicate
def can_declare_purchases(user: User | None) -> bool:
    """Buyers (the CCVG and its communes) declare their upcoming purchases (art. 3)."""
    return user is not None and user.role is Role.BUYER


@predicate
def is_declaring_buyer(user: User | None, declaration: PurchaseDeclaration) -> bool:
    """The buyer that declared the purchase; the CCVG reads its communes' declarations but
    does not correct them."""
    return can_declare_purchases(user) and declaration.buyer_id == user.organisation_id


@predicate
def can_edit_declaration(user: User | None, declaration: PurchaseDeclaration) -> bool:
    """The declaring buyer (not its coordinator) may correct a declaration until the AMOI
    has reviewed it."""
    return is_declaring_buyer(user, declaration) and declaration.status == "submitted"


@predicate
def can_review_declarations(user: User | None) -> bool:
    """The AMOI reviews census declarations and turns them into operations (art. 3)."""
    return is_facilitator(user)
