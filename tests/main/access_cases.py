from portal.models import Role
from tests.security.registry import expect, expect_public

expect_public(
    "static", "main.healthz", "main.legal_notice", "main.accessibility", "main.personal_data"
)
expect("main.home", roles=tuple(Role))
