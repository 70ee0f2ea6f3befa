from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AccountToken, Role
from tests.conftest import text_of
from tests.security.registry import ActCase, acts, exempt_cross_org, expect

ADMIN_ENDPOINTS = (
    "admin.users",
    "admin.invite",
    "admin.user",
    "admin.issue_link",
    "admin.deactivate_user",
    "admin.reactivate_user",
    "admin.audit_log",
)
expect(*ADMIN_ENDPOINTS, roles=(Role.FACILITATOR,), admin=True)
exempt_cross_org(
    "facilitator admins see every account (docs/permissions.md); every other role gets 403 (role matrix)",
    "admin.user",
    "admin.issue_link",
    "admin.deactivate_user",
    "admin.reactivate_user",
)

SETTINGS_ENDPOINTS = (
    "admin.amendments",
    "admin.amendment_create",
    "admin.amendment_edit",
    "admin.billing_settings",
    "admin.termination_create",
    "admin.termination_withdraw",
)
expect(*SETTINGS_ENDPOINTS, roles=(Role.FACILITATOR,), admin=True)
exempt_cross_org(
    "avenants belong to the convention, not to an organisation: facilitator admins see them "
    "all and every other role gets 403 (role matrix)",
    "admin.amendment_edit",
    "admin.termination_withdraw",
)


# --- admitted personas act on real objects (tests/security/test_admitted_roles_act.py) ------


@acts("admin.user")
def an_amoi_admin_reads_an_account(world, persona):
    account = world.users["company"]
    return ActCase(
        {"user_id": account.id}, check=lambda response: account.email in text_of(response)
    )


@acts("admin.issue_link", method="POST")
def an_amoi_admin_sends_a_reset_link(world, persona):
    account = world.users["structure"]
    account_id = account.id
    return ActCase(
        {"user_id": account.id},
        data={},
        check=lambda response: (
            response.status_code == 201
            and db.session.scalar(
                select(func.count())
                .select_from(AccountToken)
                .where(AccountToken.user_id == account_id)
            )
            == 1
        ),
    )
