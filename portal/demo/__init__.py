"""Demonstration data: the real parties of the convention and clearly fictitious others,
then a year of preparation work (``portal.demo.year``).

Loaded by ``flask seed-demo`` (``make run`` on an empty database). An instance holding
demo data shows the banner « Instance de démonstration » on every page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import Flask, current_app
from sqlalchemy import func, select

from portal.demo.followup import seed_followup
from portal.demo.people import seed_people
from portal.demo.quotes import seed_quotes
from portal.demo.recruitment import seed_recruitment
from portal.demo.reports import seed_reports
from portal.demo.statements import seed_statements
from portal.demo.year import seed_year
from portal.extensions import db
from portal.models import (
    Amendment,
    Escalation,
    HourStatement,
    JobOffer,
    Operation,
    Organisation,
    OrgKind,
    Participant,
    Quote,
    Report,
    Setting,
    StructureKind,
    User,
)
from portal.models.base import utcnow
from portal.passwords import hash_password

DEMO_SETTING = "demo_instance"
DEMO_PASSWORD = "demo-Passerelle-2026"  # noqa: S105 (published in the README on purpose)
AMOI_EMAIL = "charge.mission@sud-ouest-emploi.example"
"""The AMOI's chargé de mission: reviews the census and computes the hours of the demo year."""
COUNTS = (
    "organisations",
    "users",
    "declarations",
    "operations",
    "markets",
    "lots",
    "quotes",
    "invoices",
    "people",
    "placements",
    "statements",
    "offers",
    "applications",
    "escalations",
    "meetings",
    "reports",
)


class DemoRefused(Exception):
    """The database holds data that is not demonstration data."""


@dataclass(frozen=True)
class DemoOrg:
    key: str
    kind: OrgKind
    name: str
    siret: str | None = None
    structure_kind: StructureKind | None = None
    parent: str | None = None
    address: str = ""
    commune: str = ""  # the directory of structures (annexe 1 §1)
    postal_code: str = ""
    trades: str = ""
    prescriber_kind: str | None = None
    contact_email: str = ""


@dataclass(frozen=True)
class DemoUser:
    org: str
    name: str
    email: str
    is_admin: bool = False
    role_label: str = ""


COMMUNES = ("Brignais", "Chaponost", "Vourles", "Millery", "Montagny")
SOE_ADDRESS = "Adresse postale à compléter (démonstration)\n69230 Saint-Genis-Laval"
"""Sud-Ouest Emploi is in Saint-Genis-Laval (docs/domain.md §1); its street address is not in
the convention, so the demo says it is to be completed rather than invent one."""
CCVG_DEMO_SIRET = "99900000300015"
"""Fictitious (SIREN 999 000 003, valid check digits): the CCVG's real SIRET is entered by
an AMOI admin; its address is the CCVG's published one."""

ORGANISATIONS: tuple[DemoOrg, ...] = (
    DemoOrg(
        "soe",
        OrgKind.FACILITATOR,
        "Sud-Ouest Emploi",
        siret="44023823600028",
        address=SOE_ADDRESS,
    ),
    DemoOrg(
        "ccvg",
        OrgKind.BUYER,
        "Communauté de communes de la Vallée du Garon (CCVG)",
        siret=CCVG_DEMO_SIRET,
        address="262 rue Barthélémy Thimonnier\n69530 Brignais",
    ),
    *(DemoOrg(c.lower(), OrgKind.BUYER, f"Commune de {c}", parent="ccvg") for c in COMMUNES),
    DemoOrg(
        "bat", OrgKind.COMPANY, "Bâtiments Démo du Garon (entreprise fictive)", "90000111600012"
    ),
    DemoOrg(
        "elec", OrgKind.COMPANY, "Électricité Exemple SAS (entreprise fictive)", "90000222100019"
    ),
    DemoOrg(
        "verts",
        OrgKind.COMPANY,
        "Espaces Verts Fictifs SARL (entreprise fictive)",
        "90000333600014",
    ),
    DemoOrg(
        "aci",
        OrgKind.STRUCTURE,
        "Chantier d'insertion Démo (ACI fictif)",
        "90000444100011",
        StructureKind.ACI,
        commune="Givors",
        postal_code="69700",
        trades="batiment,second_oeuvre,espaces_verts",
    ),
    DemoOrg(
        "etti",
        OrgKind.STRUCTURE,
        "Intérim Insertion Démo (ETTI fictive)",
        "90000555400010",
        StructureKind.ETTI,
        commune="Brignais",
        postal_code="69530",
        trades="batiment,travaux_publics,logistique",
    ),
    DemoOrg(
        "geiq",
        OrgKind.STRUCTURE,
        "GEIQ BTP Démo (GEIQ fictif)",
        "90000666900015",
        StructureKind.GEIQ,
        commune="Grigny",
        postal_code="69520",
        trades="batiment,second_oeuvre",
    ),
    DemoOrg(
        "ai",
        OrgKind.STRUCTURE,
        "Association intermédiaire Démo (AI fictive)",
        "90000777400012",
        StructureKind.AI,
        commune="Chaponost",
        postal_code="69630",
        trades="proprete,services,espaces_verts",
    ),
    DemoOrg(
        "ml",
        OrgKind.PRESCRIBER,
        "Mission locale Démo du Garon (fictive)",
        commune="Brignais",
        postal_code="69530",
        prescriber_kind="mission_locale",
        contact_email="offres@ml-demo.example",
    ),
    DemoOrg(
        "ft",
        OrgKind.PRESCRIBER,
        "France Travail Démo Givors (agence fictive)",
        commune="Givors",
        postal_code="69700",
        prescriber_kind="france_travail",
        contact_email="entreprises@ft-demo.example",
    ),
)

USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "soe", "Camille Martin", "admin@sud-ouest-emploi.example", True, "AMOI, administratrice"
    ),
    DemoUser(
        "soe",
        "Lucas Bernard",
        AMOI_EMAIL,
        False,
        "AMOI, chargé de mission",
    ),
    DemoUser(
        "ccvg",
        "Nadia Roux",
        "commande.publique@ccvg.example",
        False,
        "Acheteur coordonnateur (CCVG)",
    ),
    *(
        DemoUser(
            c.lower(),
            f"Service marchés de {c}",
            f"marches@{c.lower()}.example",
            False,
            "Acheteur (commune)",
        )
        for c in COMMUNES
    ),
    DemoUser("bat", "Julien Petit", "contact@batiments-demo.example", False, "Titulaire"),
    DemoUser("elec", "Sarah Lefèvre", "contact@electricite-exemple.example", False, "Titulaire"),
    DemoUser(
        "verts", "Thomas Garnier", "contact@espaces-verts-fictifs.example", False, "Titulaire"
    ),
    DemoUser("aci", "Inès Morel", "contact@aci-demo.example", False, "Structure (ACI)"),
    DemoUser("etti", "Hugo Fontaine", "contact@etti-demo.example", False, "Structure (ETTI)"),
    DemoUser("geiq", "Léa Chevalier", "contact@geiq-demo.example", False, "Structure (GEIQ)"),
    DemoUser("ai", "Paul Mercier", "contact@ai-demo.example", False, "Structure (AI)"),
    DemoUser(
        "ml",
        "Claire Référente",
        "referente@ml-demo.example",
        False,
        "Prescripteur (Mission locale)",
    ),
    DemoUser(
        "ft",
        "Marc Conseiller",
        "conseiller@ft-demo.example",
        False,
        "Prescripteur (France Travail)",
    ),
)


def is_demo_instance() -> bool:
    return db.session.scalar(select(Setting).where(Setting.key == DEMO_SETTING)) is not None


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Organisation))


def has_operations() -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Operation)))


def seed_demo() -> dict[str, int]:
    """Load the demonstration data once; refuse on a database holding real data.

    A demo instance seeded before the demo year existed (organisations and users only) gets
    the year on the next run; once an operation exists, nothing is added. Returns how many
    rows of each kind were added (all zeros when nothing was)."""
    counts = dict.fromkeys(COUNTS, 0)
    if not is_demo_instance():
        if not database_is_empty():
            raise DemoRefused(
                "La base contient déjà des données qui ne sont pas des données de "
                "démonstration : seed-demo refuse de s'y mélanger."
            )
        counts.update(_seed_parties())
    _seed_convention()  # before the year: its quotes are dated in the renewed period
    _seed_missing_prescribers()  # an older demo instance predates them (issue 13)
    if not has_operations():
        orgs, buyers, amoi = _demo_parties()
        counts.update(seed_year(orgs, buyers, amoi))
    if not db.session.scalar(select(func.count()).select_from(Quote)):
        orgs, buyers, amoi = _demo_parties()
        counts.update(seed_quotes(orgs, buyers, amoi))
    if not db.session.scalar(select(func.count()).select_from(Participant)):
        orgs, _buyers, amoi = _demo_parties()
        counts.update(seed_people(orgs, amoi))
    if not db.session.scalar(select(func.count()).select_from(HourStatement)):
        _orgs, _buyers, amoi = _demo_parties()
        counts.update(seed_statements(amoi))
    if not db.session.scalar(select(func.count()).select_from(JobOffer)):
        orgs, _buyers, amoi = _demo_parties()
        counts.update(seed_recruitment(orgs, amoi))
    if not db.session.scalar(select(func.count()).select_from(Escalation)):
        _orgs, _buyers, amoi = _demo_parties()
        counts.update(seed_followup(amoi))
    if not db.session.scalar(select(func.count()).select_from(Report)):
        _orgs, _buyers, amoi = _demo_parties()
        counts.update(seed_reports(amoi))
    db.session.commit()
    from portal.statements.progress_store import refresh_stale
    from portal.statements.rollups import rebuild_all

    rebuild_all()  # the hours were written in bulk, past the session's hooks
    refresh_stale()
    current_app.extensions["portal_demo"] = True
    return counts


def _seed_parties() -> dict[str, int]:
    """The organisations, their users and the demo marker (the caller commits)."""
    orgs: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        org = Organisation(
            kind=spec.kind.value,
            name=spec.name,
            siret=spec.siret,
            structure_kind=spec.structure_kind.value if spec.structure_kind else None,
            parent=orgs[spec.parent] if spec.parent else None,
            address=spec.address,
            commune=spec.commune,
            postal_code=spec.postal_code,
            trades=spec.trades,
            prescriber_kind=spec.prescriber_kind,
            contact_email=spec.contact_email,
            active=True,
        )
        db.session.add(org)
        orgs[spec.key] = org
    password_hash = hash_password(DEMO_PASSWORD)
    now = utcnow()
    for spec in USERS:
        db.session.add(
            User(
                organisation=orgs[spec.org],
                name=spec.name,
                email=spec.email,
                is_admin=spec.is_admin,
                password_hash=password_hash,
                password_changed_at=now,
                active=True,
            )
        )
    db.session.add(Setting(key=DEMO_SETTING, value="1"))
    db.session.flush()
    return {"organisations": len(ORGANISATIONS), "users": len(USERS)}


DEMO_AMENDMENT = {
    "reference": "Avenant n°1 (démonstration)",
    "label": "Renouvellement de la convention 2025-2027 (démonstration)",
    "signed_on": date(2024, 12, 16),
    "period_start": date(2025, 1, 1),
    "period_end": date(2027, 12, 31),
    "note": "Avenant fictif de l'instance de démonstration : il renouvelle la convention "
    "2022-2024 pour une durée équivalente, afin que les devis de 2025 à 2027 soient couverts.",
}
"""A fictitious renewal: the real convention ran 2022-2024 and its avenants are not public."""

DEMO_PAYEE = {
    "payee_name": "Sud-Ouest Emploi",
    "payee_address": SOE_ADDRESS,
    "payee_siret": "44023823600028",
    "payee_vat_regime": "not_subject",
    "payee_vat_number": "",
    "payee_vat": "TVA non applicable : association non assujettie à la TVA (démonstration)",
    # Fictitious: bank code 99999 exists nowhere; the check digits are valid so that the
    # form accepts it (python-stdnum).
    "payee_iban": "FR76 9999 9000 0000 0000 0000 130",
    "payee_bic": "AGRIFRPP",
    "payee_contact": "Coordonnées bancaires fictives (démonstration) : ne payez rien. "
    "Service facturation, facturation@sud-ouest-emploi.example",
}
"""The payee block printed on the demo's invoices (keys of portal.convention.payee.PAYEE_FIELDS)."""


def _seed_missing_prescribers() -> None:
    """The prescriber organisations and their users, added to a demo instance seeded before
    pre-recruitment existed (the caller commits)."""
    password_hash = None
    for spec in ORGANISATIONS:
        if spec.kind is not OrgKind.PRESCRIBER:
            continue
        known = db.session.scalar(select(Organisation.id).where(Organisation.name == spec.name))
        if known is not None:
            continue
        org = Organisation(
            kind=spec.kind.value,
            name=spec.name,
            commune=spec.commune,
            postal_code=spec.postal_code,
            prescriber_kind=spec.prescriber_kind,
            contact_email=spec.contact_email,
            active=True,
        )
        db.session.add(org)
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        for user in USERS:
            if user.org == spec.key:
                db.session.add(
                    User(
                        organisation=org,
                        name=user.name,
                        email=user.email,
                        is_admin=False,
                        password_hash=password_hash,
                        password_changed_at=utcnow(),
                        active=True,
                    )
                )
    db.session.flush()


def _seed_convention() -> None:
    """The demo avenant and payee block, each added only when missing, so that a rerun
    (or an older demo instance) never duplicates them nor undoes an admin's edits. The
    caller commits."""
    if db.session.scalar(select(func.count()).select_from(Amendment)) == 0:
        db.session.add(Amendment(**DEMO_AMENDMENT))
    present = set(db.session.scalars(select(Setting.key).where(Setting.key.in_(DEMO_PAYEE))))
    for key, value in DEMO_PAYEE.items():
        if key not in present:
            db.session.add(Setting(key=key, value=value))
    db.session.flush()


def _demo_parties() -> tuple[dict[str, Organisation], dict[str, User], User]:
    """The demo organisations by key, the first demo user of each and the AMOI's chargé de
    mission, read back from the database (an older demo instance already holds them)."""
    orgs: dict[str, Organisation] = {}
    for spec in ORGANISATIONS:
        org = db.session.scalars(
            select(Organisation).where(Organisation.name == spec.name).order_by(Organisation.id)
        ).first()
        if org is None:
            raise DemoRefused(
                f"L'organisation de démonstration « {spec.name} » est introuvable : "
                "l'année de démonstration n'est pas chargée."
            )
        orgs[spec.key] = org
    by_email: dict[str, User] = {}
    for spec in USERS:
        user = db.session.scalars(select(User).where(User.email == spec.email)).first()
        if user is None:
            raise DemoRefused(
                f"Le compte de démonstration {spec.email} est introuvable : "
                "l'année de démonstration n'est pas chargée."
            )
        by_email[spec.email] = user
    first_users: dict[str, User] = {}
    for spec in USERS:
        first_users.setdefault(spec.org, by_email[spec.email])
    return orgs, first_users, by_email[AMOI_EMAIL]


def _demo_banner() -> dict[str, bool]:
    cached = current_app.extensions.get("portal_demo")
    if cached is None:
        cached = current_app.config.get("DEMO_INSTANCE")
        if cached is None:
            try:
                cached = is_demo_instance()
            except Exception:  # database not migrated yet: no banner
                db.session.rollback()
                return {"demo_instance": False}
        current_app.extensions["portal_demo"] = cached
    return {"demo_instance": bool(cached)}


def register_demo(app: Flask) -> None:
    app.context_processor(_demo_banner)
