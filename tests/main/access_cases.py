from portal.models import Role
from tests.security.registry import expect, expect_public

expect_public(
    "static", "main.healthz", "main.legal_notice", "main.accessibility", "main.personal_data"
)
expect("main.home", roles=tuple(Role))
# the information notice for the people (RGPD art. 13-14): the AMOI and the declarers print it
expect(
    "main.people_notice",
    "main.people_notice_pdf",
    roles=(Role.FACILITATOR, Role.COMPANY, Role.STRUCTURE),
)
