"""The demonstration year as data: census declarations (2026 and 2027, and one of 2025
whose operation has been running since autumn 2025) and the operations, markets, lots and
TCE shares they became. ``portal.demo.year`` loads it with
the portal's own rules and services. Every name and company is fictitious except the
parties of the convention.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from portal.rules.markets import LegalBasis, PenaltyKind, PurchaseNature
from portal.rules.workflow import DeclarationStatus, OperationStatus

WORKS, SERVICES, SUPPLIES = PurchaseNature.WORKS, PurchaseNature.SERVICES, PurchaseNature.SUPPLIES
CONDITION = LegalBasis.EXECUTION_CONDITION
SUBMITTED, RETAINED = DeclarationStatus.SUBMITTED, DeclarationStatus.RETAINED
DECLINED, CONVERTED = DeclarationStatus.DECLINED, DeclarationStatus.CONVERTED
PREPARATION, RUNNING, CLOSED = (
    OperationStatus.PREPARATION,
    OperationStatus.RUNNING,
    OperationStatus.CLOSED,
)


@dataclass(frozen=True)
class Penalty:
    """The CCAP penalty formula of a market, copied on each of its lots (docs/domain.md §8)."""

    kind: PenaltyKind = PenaltyKind.NONE
    value: Decimal | None = None
    cap: Decimal | None = None


@dataclass(frozen=True)
class DemoLot:
    number: int
    title: str
    trade: str  # a key of rules.hours.TRADES
    amount: Decimal  # excl. tax
    holder: str  # key of a demo organisation (portal.demo.ORGANISATIONS)
    award_criterion: bool = False


@dataclass(frozen=True)
class DemoMarket:
    """A market; lots of a reserved market carry no hours (docs/domain.md §2)."""

    reference: str
    title: str
    legal_basis: LegalBasis
    notified: date | None  # None: awarded, notification pending
    kickoff: date | None
    planned_end: date
    lots: tuple[DemoLot, ...]
    penalty: Penalty = Penalty()


@dataclass(frozen=True)
class DemoShare:
    """A subcontractor's share of a TCE operation; its hours come from the split."""

    company: str
    trade: str
    amount: Decimal


@dataclass(frozen=True)
class DemoOperation:
    """An operation; with a general contractor it is TCE and its global volume is the
    planned hours of its lots, split between the shares."""

    status: OperationStatus
    start: date
    end: date
    markets: tuple[DemoMarket, ...]
    general_contractor: str | None = None
    shares: tuple[DemoShare, ...] = ()


@dataclass(frozen=True)
class DemoDeclaration:
    """A census declaration; a converted one carries the operation it became."""

    buyer: str
    title: str
    nature: PurchaseNature
    amount: Decimal
    publication: date  # planned publication: its year is the census year
    declared_on: date
    status: DeclarationStatus = SUBMITTED
    comment: str = ""
    basis: LegalBasis | None = None  # recommended by the AMOI
    review: str = ""
    reviewed_on: date | None = None
    converted_on: date | None = None
    operation: DemoOperation | None = None


FIXED_40 = Penalty(PenaltyKind.FIXED_PER_HOUR, Decimal("40"))
FIXED_50_CAPPED = Penalty(PenaltyKind.FIXED_PER_HOUR, Decimal("50"), Decimal("10000"))
SMIC_1_5_CAPPED = Penalty(PenaltyKind.SMIC_MULTIPLE, Decimal("1.5"), Decimal("15000"))
SMIC_2_CAPPED = Penalty(PenaltyKind.SMIC_MULTIPLE, Decimal("2"), Decimal("20000"))

CENSUS_2025: tuple[DemoDeclaration, ...] = (
    DemoDeclaration(
        "ccvg",
        "Aménagement de la voie verte de la vallée du Garon",
        WORKS,
        Decimal("7500000"),
        date(2025, 2, 17),
        declared_on=date(2024, 10, 15),
        status=CONVERTED,
        comment="Voie verte de 14 km le long du Garon, travaux sur deux saisons.",
        basis=CONDITION,
        review="Clause d'exécution sur les terrassements et les plantations (taux 5 %) ; "
        "chantier long, adapté à des parcours de 18 à 24 mois.",
        reviewed_on=date(2024, 11, 19),
        converted_on=date(2025, 1, 13),
        operation=DemoOperation(
            RUNNING,
            date(2025, 10, 6),
            date(2027, 9, 30),
            (
                DemoMarket(
                    "2025-CCVG-006",
                    "Aménagement de la voie verte de la vallée du Garon",
                    CONDITION,
                    notified=date(2025, 9, 8),
                    kickoff=date(2025, 10, 6),
                    planned_end=date(2027, 9, 30),
                    penalty=SMIC_1_5_CAPPED,
                    lots=(
                        DemoLot(
                            1,
                            "Terrassements, voirie et ouvrages",
                            "earthworks",
                            Decimal("4200000"),
                            "bat",
                        ),
                        DemoLot(
                            2,
                            "Plantations et aménagements paysagers",
                            "green_spaces_creation",
                            Decimal("3100000"),
                            "verts",
                        ),
                    ),
                ),
            ),
        ),
    ),
)
"""The 2025 census's operation still running on the demo's day: the long placements that
give the demo twelve months of statements work on it (``portal.demo.people_data``)."""

EARLIER_MARKETS = frozenset(
    market.reference
    for declaration in CENSUS_2025
    if declaration.operation is not None
    for market in declaration.operation.markets
)
"""The markets of the earlier year: the forty demo people are hired on the demo year's lots,
not on these (``portal.demo.people._hours_lots``)."""

CENSUS_2026: tuple[DemoDeclaration, ...] = (
    DemoDeclaration(
        "ccvg",
        "Entretien des espaces verts des zones d'activités intercommunales",
        SERVICES,
        Decimal("2300000"),
        date(2026, 1, 19),
        declared_on=date(2025, 10, 14),
        status=CONVERTED,
        comment="Marché de quatre ans, élagage compris.",
        basis=CONDITION,
        review="Prestation à forte main-d'œuvre : clause d'exécution à 10 %, et critère "
        "d'attribution insertion sur le lot principal.",
        reviewed_on=date(2025, 11, 18),
        converted_on=date(2025, 12, 2),
        operation=DemoOperation(
            RUNNING,
            date(2026, 4, 1),
            date(2030, 3, 31),
            (
                DemoMarket(
                    "2026-CCVG-004",
                    "Entretien des espaces verts des zones d'activités",
                    CONDITION,
                    notified=date(2026, 3, 27),
                    kickoff=date(2026, 4, 14),
                    planned_end=date(2030, 3, 31),
                    penalty=SMIC_1_5_CAPPED,
                    lots=(
                        DemoLot(
                            1,
                            "Tonte, taille et fauchage",
                            "green_spaces_maintenance",
                            Decimal("2086400"),
                            "verts",
                            award_criterion=True,
                        ),
                        DemoLot(
                            2,
                            "Élagage et abattage d'arbres",
                            "green_spaces_maintenance",
                            Decimal("236800"),
                            "verts",
                        ),
                    ),
                ),
            ),
        ),
    ),
    DemoDeclaration(
        "ccvg",
        "Construction du pôle petite enfance intercommunal",
        WORKS,
        Decimal("3500000"),
        date(2026, 3, 2),
        declared_on=date(2025, 10, 14),
        status=CONVERTED,
        comment="Marché global confié à une entreprise générale.",
        basis=CONDITION,
        review="Opération tous corps d'état : volume global à répartir entre les corps "
        "d'état de l'entreprise générale.",
        reviewed_on=date(2025, 11, 18),
        converted_on=date(2026, 1, 12),
        operation=DemoOperation(
            RUNNING,
            date(2026, 9, 8),
            date(2028, 3, 31),
            (
                DemoMarket(
                    "2026-CCVG-009",
                    "Construction du pôle petite enfance (entreprise générale)",
                    CONDITION,
                    notified=date(2026, 6, 22),
                    kickoff=date(2026, 9, 8),
                    planned_end=date(2028, 3, 31),
                    penalty=SMIC_2_CAPPED,
                    lots=(
                        DemoLot(
                            1,
                            "Tous corps d'état",
                            "building_average",
                            Decimal("3360000"),
                            "bat",
                        ),
                    ),
                ),
            ),
            general_contractor="bat",
            shares=(
                DemoShare("bat", "masonry", Decimal("1890000")),
                DemoShare("elec", "electricity", Decimal("612000")),
                DemoShare("verts", "green_spaces_creation", Decimal("228000")),
                DemoShare("bat", "plastering", Decimal("630000")),
            ),
        ),
    ),
    DemoDeclaration(
        "brignais",
        "Réhabilitation du gymnase municipal",
        WORKS,
        Decimal("1750000"),
        date(2026, 2, 9),
        declared_on=date(2025, 10, 21),
        status=CONVERTED,
        comment="Travaux en site occupé, phasés sur l'été 2026.",
        basis=CONDITION,
        review="Clause d'exécution sur les quatre lots (taux 5 %).",
        reviewed_on=date(2025, 11, 25),
        converted_on=date(2025, 12, 8),
        operation=DemoOperation(
            RUNNING,
            date(2026, 6, 9),
            date(2027, 6, 30),
            (
                DemoMarket(
                    "2026-BRI-003",
                    "Travaux de réhabilitation du gymnase municipal",
                    CONDITION,
                    notified=date(2026, 5, 18),
                    kickoff=date(2026, 6, 9),
                    planned_end=date(2027, 6, 30),
                    penalty=FIXED_40,
                    lots=(
                        DemoLot(
                            1, "Désamiantage – démolition", "demolition", Decimal("182500"), "bat"
                        ),
                        DemoLot(2, "Gros œuvre – maçonnerie", "masonry", Decimal("1126400"), "bat"),
                        DemoLot(
                            3,
                            "Électricité – courants faibles",
                            "electricity",
                            Decimal("308750"),
                            "elec",
                        ),
                        DemoLot(
                            4, "Peinture intérieure", "interior_painting", Decimal("94300"), "bat"
                        ),
                    ),
                ),
            ),
        ),
    ),
    DemoDeclaration(
        "chaponost",
        "Restructuration et extension du groupe scolaire",
        WORKS,
        Decimal("4100000"),
        date(2026, 7, 6),
        declared_on=date(2025, 11, 4),
        status=CONVERTED,
        comment="Livraison visée pour la rentrée 2028.",
        basis=CONDITION,
        review="Clause d'exécution sur le gros œuvre, l'électricité et les espaces extérieurs.",
        reviewed_on=date(2025, 12, 9),
        converted_on=date(2026, 2, 3),
        operation=DemoOperation(
            PREPARATION,
            date(2027, 1, 11),
            date(2028, 8, 25),
            (
                DemoMarket(
                    "2026-CHA-005",
                    "Restructuration et extension du groupe scolaire",
                    CONDITION,
                    notified=None,  # attribué, notification prévue en décembre
                    kickoff=None,
                    planned_end=date(2028, 8, 25),
                    penalty=FIXED_50_CAPPED,
                    lots=(
                        DemoLot(1, "Gros œuvre – maçonnerie", "masonry", Decimal("3148200"), "bat"),
                        DemoLot(
                            2,
                            "Électricité – chauffage",
                            "electricity",
                            Decimal("536900"),
                            "elec",
                        ),
                        DemoLot(
                            3,
                            "Aménagements extérieurs et plantations",
                            "green_spaces_creation",
                            Decimal("142600"),
                            "verts",
                        ),
                    ),
                ),
            ),
        ),
    ),
    DemoDeclaration(
        "vourles",
        "Entretien des espaces verts communaux",
        SERVICES,
        Decimal("70000"),
        date(2026, 1, 12),
        declared_on=date(2025, 10, 28),
        status=CONVERTED,
        basis=LegalBasis.RESERVED_SIAE,
        review="Prestation adaptée à un chantier d'insertion : marché réservé aux SIAE (L2113-13).",
        reviewed_on=date(2025, 11, 18),
        converted_on=date(2025, 11, 27),
        operation=DemoOperation(
            RUNNING,
            date(2026, 3, 10),
            date(2027, 2, 28),
            (
                DemoMarket(
                    "2026-VOU-002",
                    "Entretien des espaces verts communaux (marché réservé SIAE)",
                    LegalBasis.RESERVED_SIAE,
                    notified=date(2026, 2, 27),
                    kickoff=date(2026, 3, 10),
                    planned_end=date(2027, 2, 28),
                    lots=(
                        DemoLot(
                            1,
                            "Entretien des espaces verts communaux",
                            "green_spaces_maintenance",
                            Decimal("68400"),
                            "aci",
                        ),
                    ),
                ),
            ),
        ),
    ),
    DemoDeclaration(
        "millery",
        "Réfection de la toiture de l'école élémentaire",
        WORKS,
        Decimal("260000"),
        date(2026, 3, 16),
        declared_on=date(2025, 11, 6),
        status=CONVERTED,
        comment="Travaux pendant les vacances d'été.",
        basis=CONDITION,
        review="Clause d'exécution à 5 % ; volume modeste, adapté à une mise à disposition.",
        reviewed_on=date(2025, 12, 9),
        converted_on=date(2026, 1, 20),
        operation=DemoOperation(
            CLOSED,
            date(2026, 7, 6),
            date(2026, 8, 31),
            (
                DemoMarket(
                    "2026-MIL-001",
                    "Réfection de la toiture et du préau de l'école élémentaire",
                    CONDITION,
                    notified=date(2026, 5, 4),
                    kickoff=date(2026, 5, 19),
                    planned_end=date(2026, 8, 31),
                    lots=(
                        DemoLot(1, "Couverture – zinguerie", "roofing", Decimal("212600"), "bat"),
                        DemoLot(
                            2,
                            "Charpente métallique du préau",
                            "steel_framing",
                            Decimal("64800"),
                            "bat",
                        ),
                    ),
                ),
            ),
        ),
    ),
    DemoDeclaration(
        "montagny",
        "Fourniture de mobilier pour la médiathèque",
        SUPPLIES,
        Decimal("38000"),
        date(2026, 4, 6),
        declared_on=date(2025, 11, 13),
        status=DECLINED,
        review="Fournitures livrées montées : la main-d'œuvre sur place est trop faible "
        "pour fonder une clause. À revoir si le marché comprend l'aménagement.",
        reviewed_on=date(2025, 12, 9),
    ),
)

CENSUS_2027: tuple[DemoDeclaration, ...] = (
    DemoDeclaration(
        "ccvg",
        "Rénovation énergétique du siège de la CCVG",
        WORKS,
        Decimal("1420000"),
        date(2027, 3, 1),
        declared_on=date(2026, 11, 12),
        comment="Isolation par l'extérieur, menuiseries et chauffage ; site occupé.",
    ),
    DemoDeclaration(
        "millery",
        "Aménagement d'un city-stade",
        WORKS,
        Decimal("185000"),
        date(2027, 4, 5),
        declared_on=date(2026, 11, 19),
    ),
    DemoDeclaration(
        "chaponost",
        "Nettoyage des bâtiments communaux",
        SERVICES,
        Decimal("318000"),
        date(2027, 2, 1),
        declared_on=date(2026, 10, 8),
        status=RETAINED,
        comment="Quatre ans, écoles et mairie.",
        basis=CONDITION,
        review="Prestation à forte main-d'œuvre : clause d'exécution à 10 %, soit environ "
        "727 heures sur quatre ans.",
        reviewed_on=date(2026, 11, 10),
    ),
    DemoDeclaration(
        "montagny",
        "Réhabilitation de la salle des fêtes",
        WORKS,
        Decimal("640000"),
        date(2027, 5, 3),
        declared_on=date(2026, 10, 15),
        status=RETAINED,
        basis=CONDITION,
        review="Clause d'exécution à 5 % : environ 460 heures sur le montant global (part "
        "moyenne du bâtiment), à affiner lot par lot.",
        reviewed_on=date(2026, 11, 10),
    ),
    DemoDeclaration(
        "brignais",
        "Entretien des berges et des chemins de randonnée",
        SERVICES,
        Decimal("96000"),
        date(2027, 3, 15),
        declared_on=date(2026, 10, 22),
        status=RETAINED,
        basis=LegalBasis.RESERVED_SIAE,
        review="Support adapté à un chantier d'insertion : marché réservé aux SIAE "
        "(L2113-13) recommandé.",
        reviewed_on=date(2026, 11, 17),
    ),
    DemoDeclaration(
        "vourles",
        "Fourniture de produits d'entretien et d'hygiène",
        SUPPLIES,
        Decimal("24000"),
        date(2027, 1, 18),
        declared_on=date(2026, 10, 22),
        status=DECLINED,
        review="Achat de fournitures sans main-d'œuvre d'exécution et de faible montant : "
        "une clause d'insertion ne serait ni pertinente ni proportionnée.",
        reviewed_on=date(2026, 11, 17),
    ),
)

DECLARATIONS: tuple[DemoDeclaration, ...] = CENSUS_2025 + CENSUS_2026 + CENSUS_2027
