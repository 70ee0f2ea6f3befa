"""What an invoice of the AMOI must say to a public accountant: the VAT situation of the
payee, the VAT amount, the payment terms and the late-payment mentions (Code de la
commande publique, livre I, titre IX, chapitre II; docs/domain.md §4.3).

Pure: plain values in, plain values out. The payment period itself is a deadline and
lives in ``rules.deadlines`` (``PAYMENT_PERIOD_DAYS``, ``payment_due``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

STANDARD_VAT_RATE = Decimal("20.00")
"""The French standard VAT rate, in percent (CGI art. 278), applied when the payee is
subject to VAT (default, configurable)."""

LATE_INTEREST_MARGIN_POINTS = 8
"""Late-payment interest: the ECB main refinancing rate plus 8 points (CCP art. R2192-31)."""

RECOVERY_INDEMNITY = Decimal("40.00")
"""Fixed indemnity for recovery costs owed on any late payment (CCP art. L2192-13 and
D2192-35)."""


class VatRegime(enum.StrEnum):
    """The payee's VAT situation, as a facilitator admin sets it with the payee block.

    An association loi 1901 whose activity is not subject to VAT charges none: its
    invoices carry the EN 16931 category ``O`` (*services outside scope of tax*) and the
    mention it prints as the exemption reason. A payee subject to VAT charges the standard
    rate on top of the convention's prices (category ``S``)."""

    NOT_SUBJECT = "not_subject"
    SUBJECT = "subject"

    @property
    def label(self) -> str:
        return VAT_REGIME_LABELS[self]

    @property
    def category(self) -> str:
        """EN 16931 VAT category code (UNTDID 5305): ``O`` outside scope, ``S`` standard."""
        return "O" if self is VatRegime.NOT_SUBJECT else "S"

    @property
    def exemption_code(self) -> str:
        """The VATEX code naming why no VAT is charged (CEF VATEX list), or "" when VAT is
        charged."""
        return "VATEX-EU-O" if self is VatRegime.NOT_SUBJECT else ""

    @property
    def rate(self) -> Decimal:
        """The rate charged, in percent."""
        return Decimal("0.00") if self is VatRegime.NOT_SUBJECT else STANDARD_VAT_RATE


VAT_REGIME_LABELS = {
    VatRegime.NOT_SUBJECT: "Non assujettie à la TVA (aucune TVA facturée)",
    VatRegime.SUBJECT: "Assujettie à la TVA (taux normal de 20 %)",
}
DEFAULT_VAT_REGIME = VatRegime.NOT_SUBJECT
"""Sud-Ouest Emploi is an association loi 1901 (docs/domain.md §1): not subject to VAT unless
its admin says otherwise (default, configurable)."""


def vat_regime(value: str | None) -> VatRegime:
    """The regime stored in the settings (or frozen on an invoice); an empty or unknown
    value — an invoice issued before the regime was recorded — reads as the default."""
    try:
        return VatRegime(value or DEFAULT_VAT_REGIME)
    except ValueError:
        return DEFAULT_VAT_REGIME


@dataclass(frozen=True)
class VatBreakdown:
    """Net amount, rate (percent), VAT and the amount due, to the cent."""

    net: Decimal
    rate: Decimal
    vat: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def vat_breakdown(net: Decimal, regime: VatRegime) -> VatBreakdown:
    """VAT on a net amount: rate × net rounded half up to the cent (one VAT line per
    invoice: every line of an AMOI invoice has the same category)."""
    net = Decimal(net).quantize(CENT, ROUND_HALF_UP)
    rate = regime.rate
    vat = (net * rate / 100).quantize(CENT, ROUND_HALF_UP)
    return VatBreakdown(net, rate, vat)


def payment_terms_text(period_days: int) -> str:
    """The payment-terms mention of an invoice to a local authority (CCP art. R2192-10:
    a global payment period of 30 days for local authorities)."""
    return (
        f"Délai global de paiement : {period_days} jours à compter de la réception de la "
        "facture (article R2192-10 du code de la commande publique). Paiement par virement."
    )


def late_interest_text() -> str:
    """The late-payment interest mention: the ECB rate plus 8 points (CCP art. R2192-31)."""
    return (
        "En cas de retard de paiement, des intérêts moratoires sont dus de plein droit au "
        "taux de la Banque centrale européenne majoré de "
        f"{LATE_INTEREST_MARGIN_POINTS} points (article R2192-31 du code de la commande "
        "publique)."
    )


def recovery_indemnity_text() -> str:
    """The fixed recovery indemnity mention: 40 € (CCP art. L2192-13 and D2192-35)."""
    return (
        "Tout retard de paiement donne lieu de plein droit au versement d'une indemnité "
        f"forfaitaire pour frais de recouvrement de {RECOVERY_INDEMNITY:.0f} € (articles "
        "L2192-13 et D2192-35 du code de la commande publique)."
    )


def invoice_mentions(period_days: int) -> tuple[str, str, str]:
    """The three mentions an invoice to a local authority prints, in this order: payment
    terms, late-payment interest, recovery indemnity (CCP art. R2192-10, R2192-31,
    L2192-13 and D2192-35). An invoice freezes them one per line."""
    return payment_terms_text(period_days), late_interest_text(), recovery_indemnity_text()
