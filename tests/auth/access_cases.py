from portal.extensions import db
from portal.models import Role, User
from tests.factories import PASSWORD
from tests.security.registry import ActCase, acts, expect, expect_public

expect_public("auth.login", "auth.set_password")
expect("auth.logout", "auth.account", roles=tuple(Role))


# --- admitted personas act on real objects (tests/security/test_admitted_roles_act.py) ------

NEW_PASSWORD = "le héron gris pêche sous le pont de Millery"


@acts("auth.account", method="POST")
def every_persona_changes_its_password(world, persona):
    user = world.users[persona]
    user_id, before = user.id, user.password_hash
    return ActCase(
        {},
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        check=lambda response: db.session.get(User, user_id).password_hash != before,
    )
