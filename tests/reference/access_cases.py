from portal.models.accounts import CLAUSE_ROLES
from tests.security.registry import expect

expect("reference.rules", roles=CLAUSE_ROLES)
