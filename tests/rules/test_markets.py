"""Catalogues of procurement (docs/domain.md §2, 3 and 8.5)."""

from decimal import Decimal

import pytest

from portal.rules.markets import (
    LEGAL_BASES,
    LegalBasis,
    PenaltyKind,
    PurchaseNature,
    default_rate,
    describe_penalty,
)


def test_every_legal_basis_has_its_article():
    assert set(LEGAL_BASES) == set(LegalBasis)
    assert LegalBasis.EXECUTION_CONDITION.label.endswith("L2112-2")
    assert LegalBasis.RESERVED_SIAE.label.endswith("L2113-13")
    assert LegalBasis.INSERTION_MARKET.label.endswith("R2123-1 3°")
    reserved = {b for b in LegalBasis if b.is_reserved}
    assert reserved == {
        LegalBasis.RESERVED_DISABILITY,
        LegalBasis.RESERVED_SIAE,
        LegalBasis.RESERVED_BOTH,
        LegalBasis.INSERTION_MARKET,
    }


@pytest.mark.parametrize(
    ("nature", "rate"),
    [("works", Decimal("0.05")), ("services", Decimal("0.10")), ("supplies", Decimal("0.10"))],
)
def test_default_rate_by_nature(nature, rate):
    assert default_rate(PurchaseNature(nature)) == rate


@pytest.mark.parametrize(
    ("kind", "value", "cap", "text"),
    [
        ("none", None, None, "Aucune pénalité prévue au CCAP"),
        ("fixed_per_hour", Decimal("40.00"), None, "40 € par heure manquante"),
        ("fixed_per_hour", Decimal("12.50"), None, "12,50 € par heure manquante"),
        (
            "smic_multiple",
            Decimal("1.5"),
            Decimal("5000.00"),
            "1,5 × SMIC horaire par heure manquante, plafonné à 5\u202f000 €",
        ),
    ],
)
def test_describe_penalty(kind, value, cap, text):
    assert describe_penalty(PenaltyKind(kind), value, cap) == text
