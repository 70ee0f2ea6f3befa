"""What a status means to the reader, for the colour of its badge (issue 8: « one colour
per meaning »). Every status of every machine of ``rules.workflow`` and of invoices maps
to one of five meanings; the badge shows the status's own French label in that colour.
"""

from __future__ import annotations

import enum

from portal.models.quotes import InvoiceStatus
from portal.rules.workflow import (
    ApplicationStatus,
    CandidacyStatus,
    DeclarationStatus,
    EscalationStatus,
    OfferStatus,
    OperationStatus,
    PlacementStatus,
    QuoteStatus,
    ReportStatus,
    SplitStatus,
    StatementStatus,
)


class Meaning(enum.StrEnum):
    """The five meanings a status badge can have; the value is the CSS modifier
    (``badge--draft`` …)."""

    DRAFT = "draft"
    WAITING = "waiting"
    APPROVED = "approved"
    REFUSED = "refused"
    PAID = "paid"

    @property
    def label(self) -> str:
        return MEANING_LABELS[self]


MEANING_LABELS = {
    Meaning.DRAFT: "En préparation : rien n'est encore demandé à personne",
    Meaning.WAITING: "En attente : quelqu'un doit agir",
    Meaning.APPROVED: "Validé ou en cours",
    Meaning.REFUSED: "Refusé, sans suite ou sanctionné",
    Meaning.PAID: "Payé, soldé ou terminé",
}

D, W, A, R, P = Meaning.DRAFT, Meaning.WAITING, Meaning.APPROVED, Meaning.REFUSED, Meaning.PAID

MEANINGS: dict[str, dict[str, Meaning]] = {
    "declaration": {
        DeclarationStatus.SUBMITTED: W,  # the AMOI must review it
        DeclarationStatus.RETAINED: A,
        DeclarationStatus.DECLINED: R,
        DeclarationStatus.CONVERTED: P,  # done: it became an operation
    },
    "operation": {
        OperationStatus.PREPARATION: D,
        OperationStatus.RUNNING: A,
        OperationStatus.CLOSED: P,
    },
    "quote": {
        QuoteStatus.DRAFT: D,
        QuoteStatus.SUBMITTED: W,  # the CCVG must decide
        QuoteStatus.APPROVED: A,
        QuoteStatus.REJECTED: R,
        QuoteStatus.INVOICED_DEPOSIT: A,  # approved, its balance still to come
        QuoteStatus.INVOICED_BALANCE: W,  # fully invoiced, the balance to be paid
        QuoteStatus.SETTLED: P,  # the balance is paid
    },
    "split": {
        SplitStatus.DRAFT: D,
        SplitStatus.PROPOSED: W,  # the general contractor must answer
        SplitStatus.ACCEPTED: W,  # the AMOI must validate
        SplitStatus.AMOI_VALIDATED: W,  # the buyer must validate
        SplitStatus.VALIDATED: A,
    },
    "candidacy": {
        CandidacyStatus.PENDING: W,  # the AMOI must check eligibility
        CandidacyStatus.ELIGIBLE: A,
        CandidacyStatus.INELIGIBLE: R,
        CandidacyStatus.HIRED: P,
        CandidacyStatus.WITHDRAWN: D,
    },
    "placement": {
        PlacementStatus.ACTIVE: A,
        PlacementStatus.ENDED: P,
        PlacementStatus.BROKEN: R,
    },
    "statement": {
        StatementStatus.DRAFT: D,  # the company is still typing it
        StatementStatus.SUBMITTED: W,
        StatementStatus.VALIDATED: A,
        StatementStatus.REFUSAL_PROPOSED: W,  # the buyer must confirm
        StatementStatus.REFUSED: R,
    },
    "statement_line": {
        StatementStatus.DRAFT: D,
        StatementStatus.SUBMITTED: W,  # the AMOI must validate it
        StatementStatus.VALIDATED: A,
        StatementStatus.REFUSAL_PROPOSED: W,  # the lot's buyer must decide
        StatementStatus.REFUSED: R,
    },
    "escalation": {
        EscalationStatus.NONE: D,
        EscalationStatus.REMINDER_PROPOSED: W,  # the buyer must agree
        EscalationStatus.REMINDER_LETTER: W,  # the company must answer
        EscalationStatus.NOTICE_PROPOSED: W,  # the buyer must agree
        EscalationStatus.FORMAL_NOTICE: W,
        EscalationStatus.PENALTY_PROPOSED: W,  # the buyer must decide
        EscalationStatus.PENALTY_DECIDED: R,
        EscalationStatus.RESOLVED: P,
    },
    "offer": {
        OfferStatus.DRAFT: D,  # the AMOI must check and open it
        OfferStatus.OPEN: A,
        OfferStatus.FILLED: P,
        OfferStatus.CANCELLED: R,
    },
    "application": {
        ApplicationStatus.RECEIVED: W,  # the AMOI must analyse it
        ApplicationStatus.PRESELECTED: W,
        ApplicationStatus.PRESENTED: W,  # the company must answer
        ApplicationStatus.HIRED: P,
        ApplicationStatus.NOT_RETAINED: R,
    },
    "report": {
        ReportStatus.DRAFT: D,  # the AMOI is writing it
        ReportStatus.DELIVERED: P,  # frozen
        ReportStatus.SUPERSEDED: R,  # replaced by a new version
    },
    "invoice": {
        InvoiceStatus.ISSUED: W,  # waiting for the CCVG's payment
        InvoiceStatus.PAID: P,
    },
}
"""{machine: {status: meaning}}; ``tests/test_statuses.py`` checks that every status of
``rules.workflow.STATUSES`` and of invoices is here."""

del D, W, A, R, P


def _by_status() -> dict[str, Meaning]:
    """Status value → meaning across machines; a value shared by two machines (such as
    ``submitted``) must mean the same in both, so templates may omit the machine."""
    merged: dict[str, Meaning] = {}
    for machine, table in MEANINGS.items():
        for status, meaning_ in table.items():
            known = merged.setdefault(str(status), meaning_)
            if known is not meaning_:
                raise ValueError(f"Le statut {status!r} ({machine}) a deux significations.")
    return merged


BY_STATUS = _by_status()


def meaning(status: str, machine: str | None = None) -> Meaning:
    """The meaning of ``status`` (of ``machine`` when given); KeyError for a status no
    table knows, so that a new status cannot ship without its colour."""
    if machine is not None:
        return MEANINGS[machine][status]
    return BY_STATUS[str(status)]
