"""One user per role, in a small world of organisations (used by the security suite)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.models import Organisation, OrgKind, User
from tests.factories import make_ccvg_with_communes, make_org, make_user

PERSONAS = (
    "facilitator_admin",
    "facilitator",
    "buyer_ccvg",
    "buyer_commune",
    "company",
    "structure",
    "prescriber",
)
ROLE_OF = {
    "facilitator_admin": "facilitator",
    "facilitator": "facilitator",
    "buyer_ccvg": "buyer",
    "buyer_commune": "buyer",
    "company": "company",
    "structure": "structure",
    "prescriber": "prescriber",
}


@dataclass
class World:
    facilitator: Organisation
    ccvg: Organisation
    commune: Organisation
    other_commune: Organisation
    company: Organisation
    other_company: Organisation
    structure: Organisation
    other_structure: Organisation
    users: dict[str, User]
    others: dict[str, User]
    prescriber: Organisation | None = None
    other_prescriber: Organisation | None = None


def build_world() -> World:
    facilitator = make_org(OrgKind.FACILITATOR, name="AMOI (test)")
    ccvg, (commune, other_commune) = make_ccvg_with_communes("Alpha", "Beta")
    company, other_company = make_org(OrgKind.COMPANY), make_org(OrgKind.COMPANY)
    structure, other_structure = make_org(OrgKind.STRUCTURE), make_org(OrgKind.STRUCTURE)
    prescriber = make_org(OrgKind.PRESCRIBER, prescriber_kind="mission_locale")
    other_prescriber = make_org(OrgKind.PRESCRIBER, prescriber_kind="france_travail")
    users = {
        "facilitator_admin": make_user(facilitator, is_admin=True),
        "facilitator": make_user(facilitator),
        "buyer_ccvg": make_user(ccvg),
        "buyer_commune": make_user(commune),
        "company": make_user(company),
        "structure": make_user(structure),
        "prescriber": make_user(prescriber),
    }
    others = {
        "buyer_commune": make_user(other_commune),
        "company": make_user(other_company),
        "structure": make_user(other_structure),
        "prescriber": make_user(other_prescriber),
    }
    return World(
        facilitator,
        ccvg,
        commune,
        other_commune,
        company,
        other_company,
        structure,
        other_structure,
        users,
        others,
        prescriber,
        other_prescriber,
    )


def persona_admitted(persona: str, policy) -> bool:
    """What the access policy should decide for a persona (public → everyone)."""
    if policy.public:
        return True
    if ROLE_OF[persona] not in {r.value for r in policy.roles}:
        return False
    return persona == "facilitator_admin" or not policy.admin_only
