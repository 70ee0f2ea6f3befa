from portal.models import Role
from tests.security.registry import exempt_cross_org, expect

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
    "facilitator admins see every account (DESIGN.md 4.3); every other role gets 403 (role matrix)",
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
