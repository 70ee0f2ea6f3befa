"""Status machines of quotes, placements, hour statements and escalations (docs/domain.md §4, 5,
7, 8; docs/architecture.md §3: "the allowed transitions live in rules/workflow.py").

Tables are plain dicts {machine: {status: {action: next_status}}}; statuses are StrEnums
whose lowercase values are what the database stores.
"""

from __future__ import annotations

import enum


class QuoteStatus(enum.StrEnum):
    """Life of a quote (*devis*): approved by the CCVG, then invoiced 50 % / 50 %, settled
    once the balance is paid (convention art. 7; docs/domain.md §4.3)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    INVOICED_DEPOSIT = "invoiced_deposit"
    INVOICED_BALANCE = "invoiced_balance"
    SETTLED = "settled"


class SplitStatus(enum.StrEnum):
    """Life of a TCE operation's split of hours between trades: the AMOI proposes, the
    general contractor accepts (or comments, back to the AMOI), then the AMOI and the buyer
    validate; only a validated split can be priced (docs/domain.md §2; convention annexe 2)."""

    DRAFT = "draft"
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    AMOI_VALIDATED = "amoi_validated"
    VALIDATED = "validated"


class CandidacyStatus(enum.StrEnum):
    """Life of a candidacy: « en amont de tout recrutement », the AMOI judges it eligible or
    not, then the declarer confirms the hire (convention annex 1 §3; docs/domain.md §5)."""

    PENDING = "pending"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    HIRED = "hired"
    WITHDRAWN = "withdrawn"


class PlacementStatus(enum.StrEnum):
    """Life of a placement (a hire on a lot after an eligible decision): active until its
    end or its break (*rupture*, *abandon*) (convention annex 2; docs/domain.md §6)."""

    ACTIVE = "active"
    ENDED = "ended"
    BROKEN = "broken"


class StatementStatus(enum.StrEnum):
    """Life of a monthly hour statement: the AMOI validates or proposes a refusal, the buyer
    confirms it (convention art. 4; docs/domain.md §7). A company's typed statement is a
    draft until it submits it; an uploaded one is submitted on the user's confirmation."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    VALIDATED = "validated"
    REFUSAL_PROPOSED = "refusal_proposed"
    REFUSED = "refused"


class EscalationStatus(enum.StrEnum):
    """Escalation with a titulaire: reminder letter, formal notice, penalties; resolved at
    any step (convention annex 1; docs/domain.md §8)."""

    NONE = "none"
    REMINDER_PROPOSED = "reminder_proposed"
    REMINDER_LETTER = "reminder_letter"
    NOTICE_PROPOSED = "notice_proposed"
    FORMAL_NOTICE = "formal_notice"
    PENALTY_PROPOSED = "penalty_proposed"
    PENALTY_DECIDED = "penalty_decided"
    RESOLVED = "resolved"


class DeclarationStatus(enum.StrEnum):
    """Life of a census declaration (*recensement des achats*): the AMOI reviews it, then
    turns a retained one into an operation (convention art. 3; issue 4)."""

    SUBMITTED = "submitted"
    RETAINED = "retained"
    DECLINED = "declined"
    CONVERTED = "converted"


class OperationStatus(enum.StrEnum):
    """Life of an operation: prepared by the AMOI, followed while running, closed at the
    final report (convention art. 3 and 4)."""

    PREPARATION = "preparation"
    RUNNING = "running"
    CLOSED = "closed"


class OfferStatus(enum.StrEnum):
    """Life of a job offer of the pre-recruitment service: written (by the AMOI, or by the
    company for a lot it holds, then checked by the AMOI), open to candidates, then filled
    or cancelled (convention annexe 1 §1 and annexe 2; docs/domain.md §10)."""

    DRAFT = "draft"
    OPEN = "open"
    FILLED = "filled"
    CANCELLED = "cancelled"


class ApplicationStatus(enum.StrEnum):
    """Life of a candidate positioned on a job offer: received, preselected by the AMOI
    (interview), presented to the company, then hired (*retenu*) or not retained
    (convention annexe 1 §1: « analyse de chaque candidature avant présentation »;
    docs/domain.md §10)."""

    RECEIVED = "received"
    PRESELECTED = "preselected"
    PRESENTED = "presented"
    HIRED = "hired"
    NOT_RETAINED = "not_retained"


class ReportStatus(enum.StrEnum):
    """Life of a report (*bilan*): a draft the AMOI writes, delivered (figures and text
    frozen), superseded once a new version of it is delivered (convention art. 5;
    docs/domain.md §9)."""

    DRAFT = "draft"
    DELIVERED = "delivered"
    SUPERSEDED = "superseded"


class TransitionNotAllowed(Exception):
    """An action that the machine does not allow from the current status (docs/architecture.md §3 and 6).
    Views answer it with a French message (the message of this exception)."""

    def __init__(self, machine: str, status: str, action: str) -> None:
        self.machine = machine
        self.status = status
        self.action = action
        super().__init__(f"Action « {action} » impossible depuis l'état « {status} » ({machine}).")


Q, P, S, E = QuoteStatus, PlacementStatus, StatementStatus, EscalationStatus
C = CandidacyStatus
D, OS, T = DeclarationStatus, OperationStatus, SplitStatus
JO, AP = OfferStatus, ApplicationStatus

QUOTE_TRANSITIONS: dict[QuoteStatus, dict[str, QuoteStatus]] = {
    Q.DRAFT: {"submit": Q.SUBMITTED},
    Q.SUBMITTED: {"approve": Q.APPROVED, "reject": Q.REJECTED},
    Q.REJECTED: {"revise": Q.DRAFT},
    Q.APPROVED: {"invoice_deposit": Q.INVOICED_DEPOSIT, "invoice_full": Q.INVOICED_BALANCE},
    Q.INVOICED_DEPOSIT: {"invoice_balance": Q.INVOICED_BALANCE},
    Q.INVOICED_BALANCE: {"settle": Q.SETTLED},
    Q.SETTLED: {},
}
"""Quote: draft → submitted → approved | rejected; rejected → draft for revision; approved →
deposit invoiced (on the CCVG's validation) → balance invoiced (on the final report) →
settled (the balance invoice is paid). A pilotage quote is invoiced in full on delivery of
the annual report (approved → invoice_full → invoiced_balance → settled) (convention art. 7;
docs/domain.md §4.3)."""

SPLIT_TRANSITIONS: dict[SplitStatus, dict[str, SplitStatus]] = {
    T.DRAFT: {"propose": T.PROPOSED},
    T.PROPOSED: {"accept": T.ACCEPTED, "comment": T.DRAFT, "reopen": T.DRAFT},
    T.ACCEPTED: {"validate_amoi": T.AMOI_VALIDATED, "reopen": T.DRAFT},
    T.AMOI_VALIDATED: {"validate_buyer": T.VALIDATED, "reopen": T.DRAFT},
    T.VALIDATED: {"reopen": T.DRAFT},
}
"""TCE split: draft (the AMOI prepares) → proposed to the general contractor → accepted (or
commented: back to draft) → validated by the AMOI → validated by the buyer; the AMOI can
reopen it at any step to change it (docs/domain.md §2)."""

CANDIDACY_TRANSITIONS: dict[CandidacyStatus, dict[str, CandidacyStatus]] = {
    C.PENDING: {"validate": C.ELIGIBLE, "refuse": C.INELIGIBLE, "withdraw": C.WITHDRAWN},
    C.ELIGIBLE: {"hire": C.HIRED, "withdraw": C.WITHDRAWN},
    C.INELIGIBLE: {},
    C.HIRED: {},
    C.WITHDRAWN: {},
}
"""Candidacy: pending → eligible | ineligible (the AMOI decides); eligible → hired (the
declarer confirms the start); a pending or eligible candidacy can be withdrawn
(convention annex 1 §3; docs/domain.md §5)."""

PLACEMENT_TRANSITIONS: dict[PlacementStatus, dict[str, PlacementStatus]] = {
    P.ACTIVE: {"end": P.ENDED, "break": P.BROKEN},
    P.ENDED: {},
    P.BROKEN: {},
}
"""Placement: active → ended (the contract's end, with the exit situation) | broken (a
*rupture* or an *abandon*, a replacement candidacy may follow) (convention annex 2;
docs/domain.md §6)."""

STATEMENT_TRANSITIONS: dict[StatementStatus, dict[str, StatementStatus]] = {
    S.DRAFT: {"submit": S.SUBMITTED},
    S.SUBMITTED: {
        "validate": S.VALIDATED,
        "propose_refusal": S.REFUSAL_PROPOSED,
        "reopen": S.DRAFT,
    },
    S.REFUSAL_PROPOSED: {"settle": S.VALIDATED, "confirm_refusal": S.REFUSED},
    S.VALIDATED: {},
    S.REFUSED: {},
}
"""Statement: draft → submitted → validated (the AMOI validates every line) |
refusal_proposed (the AMOI proposes to refuse some lines, the others are validated). Once
the buyer has decided every proposed line, the statement is settled: validated when at
least one line counts (``settle``, even if some lines were refused), refused when every
line was refused (``confirm_refusal``); ``rules.statements.settled_status`` says which
(docs/domain.md §7). A company reopens its submitted typed statement (``reopen``, back to
draft) while the AMOI has not validated it."""

STATEMENT_LINE_TRANSITIONS: dict[StatementStatus, dict[str, StatementStatus]] = {
    S.DRAFT: {"submit": S.SUBMITTED},
    S.SUBMITTED: {"validate": S.VALIDATED, "propose_refusal": S.REFUSAL_PROPOSED},
    S.REFUSAL_PROPOSED: {"confirm_refusal": S.REFUSED, "overturn_refusal": S.VALIDATED},
    S.VALIDATED: {},
    S.REFUSED: {},
}
"""One line of a statement (convention art. 4): submitted → validated (the AMOI) |
refusal_proposed (the AMOI, with a reason); the lot's buyer then confirms the refusal
(refused: its hours never count) or overturns it (validated: its hours count), with a
comment (docs/domain.md §7). Only validated lines count for the clause."""

_ESCALATION_STEPS: dict[EscalationStatus, dict[str, EscalationStatus]] = {
    E.NONE: {
        "send_reminder_letter": E.REMINDER_LETTER,
        "propose_reminder_letter": E.REMINDER_PROPOSED,
    },
    E.REMINDER_PROPOSED: {"accept": E.REMINDER_LETTER, "decline": E.NONE},
    E.REMINDER_LETTER: {
        "send_formal_notice": E.FORMAL_NOTICE,
        "propose_formal_notice": E.NOTICE_PROPOSED,
    },
    E.NOTICE_PROPOSED: {"accept": E.FORMAL_NOTICE, "decline": E.REMINDER_LETTER},
    E.FORMAL_NOTICE: {"propose_penalty": E.PENALTY_PROPOSED},
    E.PENALTY_PROPOSED: {"decide_penalty": E.PENALTY_DECIDED},
    E.PENALTY_DECIDED: {},
}
ESCALATION_TRANSITIONS: dict[EscalationStatus, dict[str, EscalationStatus]] = {
    **{status: {**steps, "resolve": E.RESOLVED} for status, steps in _ESCALATION_STEPS.items()},
    E.RESOLVED: {},
}
"""Escalation: none → reminder_letter → formal_notice → penalty_proposed → penalty_decided;
every status but resolved has a "resolve" action (any → resolved). A letter step the
buyer's settings submit to its agreement goes through a proposal first (none →
reminder_proposed → accept | decline; reminder_letter → notice_proposed → accept |
decline); a buyer who needs no agreement lets the AMOI go straight to the letter
(``send_reminder_letter``, ``send_formal_notice``) (convention annex 1 §3; docs/domain.md §8)."""

DECLARATION_TRANSITIONS: dict[DeclarationStatus, dict[str, DeclarationStatus]] = {
    D.SUBMITTED: {"retain": D.RETAINED, "decline": D.DECLINED},
    D.RETAINED: {"convert": D.CONVERTED, "reconsider": D.SUBMITTED},
    D.DECLINED: {"reconsider": D.SUBMITTED},
    D.CONVERTED: {},
}
"""Declaration: submitted → retained (a clause is recommended) | declined (no clause);
a review can be reconsidered until the declaration becomes an operation (converted)."""

OPERATION_TRANSITIONS: dict[OperationStatus, dict[str, OperationStatus]] = {
    OS.PREPARATION: {"start": OS.RUNNING},
    OS.RUNNING: {"close": OS.CLOSED},
    OS.CLOSED: {"reopen": OS.RUNNING},
}
"""Operation: preparation → running (markets notified) → closed (final report); a closed
operation can be reopened (a late statement, a corrected report)."""

OFFER_TRANSITIONS: dict[OfferStatus, dict[str, OfferStatus]] = {
    JO.DRAFT: {"open": JO.OPEN, "cancel": JO.CANCELLED},
    JO.OPEN: {"fill": JO.FILLED, "cancel": JO.CANCELLED},
    JO.FILLED: {},
    JO.CANCELLED: {},
}
"""Job offer: draft → open (the AMOI checks and opens it) → filled | cancelled; a draft can
be cancelled too (docs/domain.md §10)."""

APPLICATION_TRANSITIONS: dict[ApplicationStatus, dict[str, ApplicationStatus]] = {
    AP.RECEIVED: {"preselect": AP.PRESELECTED, "reject": AP.NOT_RETAINED},
    AP.PRESELECTED: {"present": AP.PRESENTED, "reject": AP.NOT_RETAINED},
    AP.PRESENTED: {"retain": AP.HIRED, "reject": AP.NOT_RETAINED},
    AP.HIRED: {},
    AP.NOT_RETAINED: {},
}
"""Application: received → preselected (the AMOI's interview) → presented to the company →
hired (the company retains: a candidacy of the people area follows) | not retained (by the
AMOI at any step before, or by the company once presented; a reason from the list)
(convention annexe 1 §1, annexe 2; docs/domain.md §10)."""

REPORT_TRANSITIONS: dict[ReportStatus, dict[str, ReportStatus]] = {
    ReportStatus.DRAFT: {"deliver": ReportStatus.DELIVERED},
    ReportStatus.DELIVERED: {"supersede": ReportStatus.SUPERSEDED},
    ReportStatus.SUPERSEDED: {},
}
"""Report: draft → delivered (frozen) → superseded (a new version delivered in its place;
docs/domain.md §9)."""

TRANSITIONS: dict[str, dict] = {
    "declaration": DECLARATION_TRANSITIONS,
    "operation": OPERATION_TRANSITIONS,
    "quote": QUOTE_TRANSITIONS,
    "candidacy": CANDIDACY_TRANSITIONS,
    "placement": PLACEMENT_TRANSITIONS,
    "statement": STATEMENT_TRANSITIONS,
    "statement_line": STATEMENT_LINE_TRANSITIONS,
    "escalation": ESCALATION_TRANSITIONS,
    "split": SPLIT_TRANSITIONS,
    "offer": OFFER_TRANSITIONS,
    "application": APPLICATION_TRANSITIONS,
    "report": REPORT_TRANSITIONS,
}
"""All machines by name: {machine: {status: {action: next_status}}}."""

STATUSES: dict[str, type[enum.StrEnum]] = {
    "declaration": DeclarationStatus,
    "operation": OperationStatus,
    "quote": QuoteStatus,
    "candidacy": CandidacyStatus,
    "placement": PlacementStatus,
    "statement": StatementStatus,
    "statement_line": StatementStatus,
    "escalation": EscalationStatus,
    "split": SplitStatus,
    "offer": OfferStatus,
    "application": ApplicationStatus,
    "report": ReportStatus,
}
INITIAL_STATUS: dict[str, enum.StrEnum] = {
    "declaration": D.SUBMITTED,
    "operation": OS.PREPARATION,
    "quote": Q.DRAFT,
    "candidacy": C.PENDING,
    "placement": P.ACTIVE,
    "statement": S.DRAFT,
    "statement_line": S.DRAFT,
    "escalation": E.NONE,
    "split": T.DRAFT,
    "offer": JO.DRAFT,
    "application": AP.RECEIVED,
    "report": ReportStatus.DRAFT,
}

STATUS_LABELS: dict[str, dict[enum.StrEnum, str]] = {
    "declaration": {
        D.SUBMITTED: "À examiner",
        D.RETAINED: "Clause recommandée",
        D.DECLINED: "Sans clause",
        D.CONVERTED: "Opération créée",
    },
    "operation": {
        OS.PREPARATION: "En préparation",
        OS.RUNNING: "En cours",
        OS.CLOSED: "Clôturée",
    },
    "quote": {
        Q.DRAFT: "Brouillon",
        Q.SUBMITTED: "Soumis",
        Q.APPROVED: "Validé",
        Q.REJECTED: "Refusé",
        Q.INVOICED_DEPOSIT: "Acompte facturé",
        Q.INVOICED_BALANCE: "Solde facturé",
        Q.SETTLED: "Soldé",
    },
    "candidacy": {
        C.PENDING: "En attente de décision",
        C.ELIGIBLE: "Éligible",
        C.INELIGIBLE: "Non éligible",
        C.HIRED: "Embauchée",
        C.WITHDRAWN: "Retirée",
    },
    "placement": {
        P.ACTIVE: "En cours",
        P.ENDED: "Terminée",
        P.BROKEN: "Rompue",
    },
    "statement": {
        S.DRAFT: "Brouillon",
        S.SUBMITTED: "Déposé",
        S.VALIDATED: "Validé",
        S.REFUSAL_PROPOSED: "Refus proposé",
        S.REFUSED: "Refusé",
    },
    "statement_line": {
        S.DRAFT: "Brouillon",
        S.SUBMITTED: "À valider",
        S.VALIDATED: "Validée",
        S.REFUSAL_PROPOSED: "Refus proposé à l'acheteur",
        S.REFUSED: "Refusée",
    },
    "escalation": {
        E.NONE: "Contacts en cours",
        E.REMINDER_PROPOSED: "Lettre de relance proposée à l'acheteur",
        E.REMINDER_LETTER: "Lettre de relance",
        E.NOTICE_PROPOSED: "Lettre recommandée proposée à l'acheteur",
        E.FORMAL_NOTICE: "Lettre recommandée",
        E.PENALTY_PROPOSED: "Pénalités proposées",
        E.PENALTY_DECIDED: "Pénalités décidées",
        E.RESOLVED: "Résolue",
    },
    "split": {
        T.DRAFT: "En préparation par l'AMOI",
        T.PROPOSED: "Proposée à l'entreprise générale",
        T.ACCEPTED: "Acceptée par l'entreprise générale",
        T.AMOI_VALIDATED: "Validée par l'AMOI, en attente de l'acheteur",
        T.VALIDATED: "Validée",
    },
    "offer": {
        JO.DRAFT: "Brouillon",
        JO.OPEN: "Ouverte",
        JO.FILLED: "Pourvue",
        JO.CANCELLED: "Annulée",
    },
    "application": {
        AP.RECEIVED: "Reçue",
        AP.PRESELECTED: "Présélectionnée",
        AP.PRESENTED: "Présentée à l'entreprise",
        AP.HIRED: "Retenue",
        AP.NOT_RETAINED: "Non retenue",
    },
    "report": {
        ReportStatus.DRAFT: "Projet",
        ReportStatus.DELIVERED: "Remis",
        ReportStatus.SUPERSEDED: "Remplacé par une nouvelle version",
    },
}
"""French labels of every status per machine, for badges (docs/architecture.md §8): {machine: {status:
label}}. Per machine because "submitted" is a status of two machines."""

del Q, P, S, E, C, D, OS, T, JO, AP  # short aliases for the tables only


def _table(machine: str) -> dict:
    try:
        return TRANSITIONS[machine]
    except KeyError:
        raise ValueError(f"Machine à états inconnue : {machine!r}.") from None


def _status(machine: str, status: str) -> enum.StrEnum:
    _table(machine)
    return STATUSES[machine](status)  # ValueError for an unknown status


def status_label(machine: str, status: str) -> str:
    """French label of `status` in `machine` (docs/architecture.md §8)."""
    return STATUS_LABELS[machine][_status(machine, status)]


def allowed_actions(machine: str, status: str) -> tuple[str, ...]:
    """Actions allowed from `status` in `machine`, in table order; empty for a final status.
    ValueError for an unknown machine or status (docs/architecture.md §6)."""
    return tuple(_table(machine)[_status(machine, status)])


def is_final(machine: str, status: str) -> bool:
    """True when no action leaves `status` (docs/architecture.md §6)."""
    return not allowed_actions(machine, status)


def next_status(machine: str, status: str, action: str) -> enum.StrEnum:
    """The status reached by `action` from `status` in `machine`; raises
    `TransitionNotAllowed` when the table has no such transition (docs/architecture.md §3 and 6; the
    tables above follow docs/domain.md §4.3, 5, 7 and 8)."""
    current = _status(machine, status)
    try:
        return TRANSITIONS[machine][current][action]
    except KeyError:
        raise TransitionNotAllowed(machine, str(current), action) from None
