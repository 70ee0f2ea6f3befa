from portal.models import Role
from tests.security.registry import expect, expect_public

expect_public("static", "main.healthz")
expect("main.home", roles=tuple(Role))
