"""The payee block printed on invoices: Sud-Ouest Emploi's identity, VAT regime and bank
details, as a facilitator admin keeps them in the settings (never hard-coded; the
convention prints a bank branch and a BIC but no IBAN, docs/domain.md §4.3)."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import Setting
from portal.rules import billing

PAYEE_FIELDS = {
    "payee_name": "Raison sociale",
    "payee_address": "Adresse",
    "payee_siret": "SIRET",
    "payee_vat_regime": "Régime de TVA",
    "payee_vat_number": "Numéro de TVA intracommunautaire",
    "payee_vat": "Mention TVA",
    "payee_iban": "IBAN",
    "payee_bic": "BIC",
    "payee_contact": "Contact facturation",
}


def payee_block() -> dict[str, str]:
    """Sud-Ouest Emploi's identity and bank details, as a facilitator admin set them
    (settings, never hard-coded)."""
    values = dict(
        db.session.execute(
            select(Setting.key, Setting.value).where(Setting.key.in_(PAYEE_FIELDS))
        ).all()
    )
    return {key: values.get(key, "") for key in PAYEE_FIELDS}


def payee_missing(payee: dict[str, str]) -> list[str]:
    """Labels of the payee fields still empty; the VAT number is asked for only when the
    payee is subject to VAT."""
    subject = billing.vat_regime(payee.get("payee_vat_regime")) is billing.VatRegime.SUBJECT
    return [
        PAYEE_FIELDS[key]
        for key in PAYEE_FIELDS
        if not payee.get(key) and (key != "payee_vat_number" or subject)
    ]
