from portal.models import Role
from tests.security.registry import expect

expect("reference.rules", roles=tuple(Role))  # prescribers too: they read the criteria
