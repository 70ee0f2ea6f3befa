"""THE permission layer (docs/permissions.md).

1. Deny by default (:mod:`.policy`, :mod:`.gate`): a ``before_request`` hook refuses every
   endpoint whose view is not marked :func:`public` or :func:`allow`.
2. One request context (:mod:`.gate`): ``g.user``, ``g.org``, ``g.role`` (``None`` when
   anonymous).
3. Scoped queries (:mod:`.scopes`): :func:`scoped` returns a ``select()`` already filtered
   to what ``g.org`` may see; :func:`get_or_404` goes through it, so another organisation's
   object answers 404 (no existence oracle). Each area registers the rules of its models
   with :func:`scope_rule`.
4. Action predicates (:mod:`.predicates`): small functions registered with
   :func:`predicate`, callable from views and templates alike; each area registers its own.

The area rules live beside the areas (``portal/markets/access.py``,
``portal/census/access.py``, ``portal/quotes/access.py``, ``portal/invoices/access.py``)
and are imported with their blueprints: import an area's predicates from there.
"""

from portal.access.gate import register_access, start_session
from portal.access.policy import Policy, allow, policy_of, public
from portal.access.predicates import (
    PREDICATES,
    can_manage_accounts,
    can_manage_organisations,
    can_read_audit,
    can_see_organisation_list,
    is_coordinator,
    is_facilitator,
    predicate,
    register_predicates,
)
from portal.access.scopes import SCOPE_RULES, buyer_org_ids, get_or_404, scope_rule, scoped
from portal.models import Role

__all__ = [
    "PREDICATES",
    "SCOPE_RULES",
    "Policy",
    "Role",
    "allow",
    "buyer_org_ids",
    "can_manage_accounts",
    "can_manage_organisations",
    "can_read_audit",
    "can_see_organisation_list",
    "get_or_404",
    "is_coordinator",
    "is_facilitator",
    "policy_of",
    "predicate",
    "public",
    "register_access",
    "register_predicates",
    "scope_rule",
    "scoped",
    "start_session",
]
