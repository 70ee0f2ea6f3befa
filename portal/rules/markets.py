"""Catalogues of public procurement used to prepare a clause: the nature of a purchase,
the legal basis of the clause with its article of the *Code de la commande publique*, and
the penalty formulas a CCAP may set (docs/domain.md §2, §3 and §8).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from portal.rules.hours import DEFAULT_RATE_SERVICES, DEFAULT_RATE_WORKS


class PurchaseNature(enum.StrEnum):
    """Nature of a purchase, as declared in the census (CCP L1111-2 to L1111-4)."""

    WORKS = "works"
    SERVICES = "services"
    SUPPLIES = "supplies"

    @property
    def label(self) -> str:
        """French label for forms and lists."""
        return NATURE_LABELS[self]


NATURE_LABELS = {
    PurchaseNature.WORKS: "Travaux",
    PurchaseNature.SERVICES: "Services",
    PurchaseNature.SUPPLIES: "Fournitures",
}


def default_rate(nature: PurchaseNature | str) -> Decimal:
    """The insertion rate proposed by the calculator: 5 % for works, 10 % for services
    and supplies (labour-intensive services) (default, configurable; docs/domain.md §3)."""
    return (
        DEFAULT_RATE_WORKS
        if PurchaseNature(nature) is PurchaseNature.WORKS
        else (DEFAULT_RATE_SERVICES)
    )


class LegalBasis(enum.StrEnum):
    """Legal basis of an insertion clause (docs/domain.md §2)."""

    EXECUTION_CONDITION = "execution_condition"
    AWARD_CRITERION = "award_criterion"
    RESERVED_DISABILITY = "reserved_disability"
    RESERVED_SIAE = "reserved_siae"
    RESERVED_BOTH = "reserved_both"
    INSERTION_MARKET = "insertion_market"

    @property
    def label(self) -> str:
        """French label with its article, e.g. « Clause d'insertion (condition d'exécution)
        – L2112-2 »."""
        info = LEGAL_BASES[self]
        return f"{info.label} – {info.article}"

    @property
    def is_reserved(self) -> bool:
        """Reserved and insertion markets are priced by fixed items and a yearly line, not
        per lot (convention annexe 2; docs/domain.md §4.2)."""
        return LEGAL_BASES[self].reserved


@dataclass(frozen=True)
class LegalBasisInfo:
    """What a legal basis means: French label, CCP article, what the AMOI follows."""

    label: str
    article: str
    follow_up: str
    reserved: bool


LEGAL_BASES = MappingProxyType(
    {
        LegalBasis.EXECUTION_CONDITION: LegalBasisInfo(
            "Clause d'insertion (condition d'exécution)",
            "L2112-2",
            "les heures dues par le titulaire",
            False,
        ),
        LegalBasis.AWARD_CRITERION: LegalBasisInfo(
            "Critère d'attribution insertion",
            "L2152-7 (R2152-7)",
            "les engagements qualitatifs de l'offre",
            False,
        ),
        LegalBasis.RESERVED_DISABILITY: LegalBasisInfo(
            "Marché réservé EA/ESAT", "L2113-12", "l'activité de la structure, suivi annuel", True
        ),
        LegalBasis.RESERVED_SIAE: LegalBasisInfo(
            "Marché réservé SIAE", "L2113-13", "l'activité de la structure, suivi annuel", True
        ),
        LegalBasis.RESERVED_BOTH: LegalBasisInfo(
            "Marché réservé EA/ESAT et SIAE",
            "L2113-14",
            "l'activité de la structure, suivi annuel",
            True,
        ),
        LegalBasis.INSERTION_MARKET: LegalBasisInfo(
            "Marché d'insertion et de qualification",
            "R2123-1 3°",
            "l'activité de la structure, suivi annuel",
            True,
        ),
    }
)
"""Legal basis → label, article of the Code de la commande publique, what is followed
(docs/domain.md §2)."""


class PenaltyKind(enum.StrEnum):
    """Penalty formula for missing insertion hours, as each market's CCAP sets it
    (docs/domain.md §8)."""

    NONE = "none"
    FIXED_PER_HOUR = "fixed_per_hour"
    SMIC_MULTIPLE = "smic_multiple"

    @property
    def label(self) -> str:
        """French label for forms."""
        return PENALTY_LABELS[self]


PENALTY_LABELS = MappingProxyType(
    {
        PenaltyKind.NONE: "Aucune pénalité prévue au CCAP",
        PenaltyKind.FIXED_PER_HOUR: "Montant fixe par heure manquante",
        PenaltyKind.SMIC_MULTIPLE: "Multiple du SMIC horaire par heure manquante",
    }
)


def describe_penalty(kind: PenaltyKind | str, value: Decimal | None, cap: Decimal | None) -> str:
    """The CCAP penalty formula in French words, e.g. « 1,5 × SMIC horaire par heure
    manquante, plafonné à 5 000 € » (docs/domain.md §8). Amounts are formatted plainly here; the
    portal's filters format money elsewhere."""
    kind = PenaltyKind(kind)
    if kind is PenaltyKind.NONE:
        return PENALTY_LABELS[kind]
    is_money = kind is PenaltyKind.FIXED_PER_HOUR
    number = _fr_number(value, is_money) if value is not None else "?"
    text = (
        f"{number} € par heure manquante"
        if kind is PenaltyKind.FIXED_PER_HOUR
        else f"{number} × SMIC horaire par heure manquante"
    )
    if cap is not None:
        text += f", plafonné à {_fr_number(cap, True)} €"
    return text


def _fr_number(value: Decimal, money: bool = False) -> str:
    """5 000 · 1,5 · 12,50 for money (narrow no-break space between thousands)."""
    if value == value.to_integral():
        normalized = value.to_integral()
    else:
        normalized = value.quantize(Decimal("0.01")) if money else value.normalize()
    whole, _, cents = f"{normalized:f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", "\u202f")
    return f"{grouped},{cents}" if cents else grouped
