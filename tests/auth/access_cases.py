from portal.models import Role
from tests.security.registry import expect, expect_public

expect_public("auth.login", "auth.set_password")
expect("auth.logout", "auth.account", roles=tuple(Role))
