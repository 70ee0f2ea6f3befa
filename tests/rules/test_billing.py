"""What an invoice says about VAT, payment terms and late payment (CCP R2192-10, R2192-31,
L2192-13, D2192-35; CGI art. 278)."""

from decimal import Decimal

import pytest

from portal.rules import billing
from portal.rules.billing import VatRegime


def test_an_association_not_subject_to_vat_charges_none():
    regime = billing.vat_regime("not_subject")
    vat = billing.vat_breakdown(Decimal("1250.00"), regime)
    assert (regime.category, regime.exemption_code) == ("O", "VATEX-EU-O")
    assert (vat.net, vat.rate, vat.vat, vat.gross) == (
        Decimal("1250.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("1250.00"),
    )


@pytest.mark.parametrize(
    ("net", "vat"),
    [("625.00", "125.00"), ("0.05", "0.01"), ("0.02", "0.00"), ("1112.53", "222.51")],
)
def test_a_payee_subject_to_vat_charges_the_standard_rate_rounded_half_up(net, vat):
    breakdown = billing.vat_breakdown(Decimal(net), VatRegime.SUBJECT)
    assert VatRegime.SUBJECT.category == "S" and VatRegime.SUBJECT.exemption_code == ""
    assert breakdown.rate == Decimal("20.00")
    assert breakdown.vat == Decimal(vat)
    assert breakdown.gross == Decimal(net) + Decimal(vat)


@pytest.mark.parametrize("stored", ["", None, "exonere"])
def test_an_unknown_or_missing_regime_reads_as_the_default(stored):
    assert billing.vat_regime(stored) is billing.DEFAULT_VAT_REGIME is VatRegime.NOT_SUBJECT


def test_the_three_mentions_of_an_invoice_to_a_local_authority():
    terms, interest, indemnity = billing.invoice_mentions(30)
    assert terms.startswith("Délai global de paiement : 30 jours à compter de la réception")
    assert "R2192-10" in terms
    assert "taux de la Banque centrale européenne majoré de 8 points" in interest
    assert "R2192-31" in interest
    assert "indemnité forfaitaire pour frais de recouvrement de 40 €" in indemnity
    assert "L2192-13 et D2192-35" in indemnity
    assert all("\n" not in mention for mention in (terms, interest, indemnity))
