"""Status machines (docs/domain.md §4.3, 5, 7, 8; docs/architecture.md §3 and 6)."""

import pytest

from portal.rules.workflow import (
    INITIAL_STATUS,
    STATUS_LABELS,
    STATUSES,
    TRANSITIONS,
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
    TransitionNotAllowed,
    allowed_actions,
    is_final,
    next_status,
    status_label,
)

VALID = [
    ("quote", "draft", "submit", QuoteStatus.SUBMITTED),
    ("quote", "submitted", "approve", QuoteStatus.APPROVED),
    ("quote", "submitted", "reject", QuoteStatus.REJECTED),
    ("quote", "rejected", "revise", QuoteStatus.DRAFT),
    ("quote", "approved", "invoice_deposit", QuoteStatus.INVOICED_DEPOSIT),
    ("quote", "invoiced_deposit", "invoice_balance", QuoteStatus.INVOICED_BALANCE),
    ("quote", "approved", "invoice_full", QuoteStatus.INVOICED_BALANCE),
    ("quote", "invoiced_balance", "settle", QuoteStatus.SETTLED),
    ("split", "draft", "propose", SplitStatus.PROPOSED),
    ("split", "proposed", "accept", SplitStatus.ACCEPTED),
    ("split", "proposed", "comment", SplitStatus.DRAFT),
    ("split", "proposed", "reopen", SplitStatus.DRAFT),
    ("split", "accepted", "validate_amoi", SplitStatus.AMOI_VALIDATED),
    ("split", "accepted", "reopen", SplitStatus.DRAFT),
    ("split", "amoi_validated", "validate_buyer", SplitStatus.VALIDATED),
    ("split", "amoi_validated", "reopen", SplitStatus.DRAFT),
    ("split", "validated", "reopen", SplitStatus.DRAFT),
    ("candidacy", "pending", "validate", CandidacyStatus.ELIGIBLE),
    ("candidacy", "pending", "refuse", CandidacyStatus.INELIGIBLE),
    ("candidacy", "pending", "withdraw", CandidacyStatus.WITHDRAWN),
    ("candidacy", "eligible", "hire", CandidacyStatus.HIRED),
    ("candidacy", "eligible", "withdraw", CandidacyStatus.WITHDRAWN),
    ("placement", "active", "end", PlacementStatus.ENDED),
    ("placement", "active", "break", PlacementStatus.BROKEN),
    ("statement", "draft", "submit", StatementStatus.SUBMITTED),
    ("statement", "submitted", "validate", StatementStatus.VALIDATED),
    ("statement", "submitted", "propose_refusal", StatementStatus.REFUSAL_PROPOSED),
    ("statement", "refusal_proposed", "confirm_refusal", StatementStatus.REFUSED),
    ("statement", "refusal_proposed", "settle", StatementStatus.VALIDATED),
    ("statement_line", "draft", "submit", StatementStatus.SUBMITTED),
    ("statement_line", "submitted", "validate", StatementStatus.VALIDATED),
    ("statement_line", "submitted", "propose_refusal", StatementStatus.REFUSAL_PROPOSED),
    ("statement_line", "refusal_proposed", "confirm_refusal", StatementStatus.REFUSED),
    ("statement_line", "refusal_proposed", "overturn_refusal", StatementStatus.VALIDATED),
    ("statement", "submitted", "reopen", StatementStatus.DRAFT),
    ("escalation", "none", "send_reminder_letter", EscalationStatus.REMINDER_LETTER),
    ("escalation", "none", "propose_reminder_letter", EscalationStatus.REMINDER_PROPOSED),
    ("escalation", "reminder_proposed", "accept", EscalationStatus.REMINDER_LETTER),
    ("escalation", "reminder_proposed", "decline", EscalationStatus.NONE),
    ("escalation", "reminder_letter", "send_formal_notice", EscalationStatus.FORMAL_NOTICE),
    ("escalation", "reminder_letter", "propose_formal_notice", EscalationStatus.NOTICE_PROPOSED),
    ("escalation", "notice_proposed", "accept", EscalationStatus.FORMAL_NOTICE),
    ("escalation", "notice_proposed", "decline", EscalationStatus.REMINDER_LETTER),
    ("escalation", "formal_notice", "propose_penalty", EscalationStatus.PENALTY_PROPOSED),
    ("escalation", "penalty_proposed", "decide_penalty", EscalationStatus.PENALTY_DECIDED),
    ("declaration", "submitted", "retain", DeclarationStatus.RETAINED),
    ("declaration", "submitted", "decline", DeclarationStatus.DECLINED),
    ("declaration", "retained", "convert", DeclarationStatus.CONVERTED),
    ("declaration", "retained", "reconsider", DeclarationStatus.SUBMITTED),
    ("declaration", "declined", "reconsider", DeclarationStatus.SUBMITTED),
    ("operation", "preparation", "start", OperationStatus.RUNNING),
    ("operation", "running", "close", OperationStatus.CLOSED),
    ("operation", "closed", "reopen", OperationStatus.RUNNING),
    ("offer", "draft", "open", OfferStatus.OPEN),
    ("offer", "draft", "cancel", OfferStatus.CANCELLED),
    ("offer", "open", "fill", OfferStatus.FILLED),
    ("offer", "open", "cancel", OfferStatus.CANCELLED),
    ("application", "received", "preselect", ApplicationStatus.PRESELECTED),
    ("application", "received", "reject", ApplicationStatus.NOT_RETAINED),
    ("application", "preselected", "present", ApplicationStatus.PRESENTED),
    ("application", "preselected", "reject", ApplicationStatus.NOT_RETAINED),
    ("application", "presented", "retain", ApplicationStatus.HIRED),
    ("application", "presented", "reject", ApplicationStatus.NOT_RETAINED),
    ("report", "draft", "deliver", ReportStatus.DELIVERED),
    ("report", "delivered", "supersede", ReportStatus.SUPERSEDED),
]


@pytest.mark.parametrize(("machine", "status", "action", "expected"), VALID)
def test_allowed_transitions(machine, status, action, expected):
    reached = next_status(machine, status, action)
    assert reached is expected
    assert reached == expected.value  # stored as its lowercase string
    assert action in allowed_actions(machine, status)


def test_tables_hold_exactly_the_documented_transitions():
    edges = {
        (machine, str(status), action, target)
        for machine, table in TRANSITIONS.items()
        for status, actions in table.items()
        for action, target in actions.items()
        if action != "resolve"
    }
    assert edges == {(m, s, a, t) for m, s, a, t in VALID}


@pytest.mark.parametrize(
    ("machine", "status", "action"),
    [
        ("quote", "draft", "approve"),
        ("quote", "submitted", "invoice_deposit"),
        ("quote", "approved", "invoice_balance"),
        ("quote", "rejected", "approve"),
        ("quote", "invoiced_balance", "revise"),
        ("candidacy", "pending", "hire"),
        ("candidacy", "ineligible", "hire"),
        ("candidacy", "hired", "validate"),
        ("placement", "ended", "break"),
        ("placement", "broken", "end"),
        ("statement", "validated", "propose_refusal"),
        ("statement", "submitted", "confirm_refusal"),
        ("statement", "refused", "settle"),
        ("statement_line", "validated", "propose_refusal"),
        ("statement_line", "refused", "overturn_refusal"),
        ("statement_line", "submitted", "confirm_refusal"),
        ("escalation", "none", "send_formal_notice"),
        ("escalation", "resolved", "resolve"),
        ("escalation", "resolved", "send_reminder_letter"),
        ("offer", "draft", "fill"),
        ("offer", "filled", "open"),
        ("offer", "cancelled", "open"),
        ("application", "received", "present"),
        ("application", "received", "retain"),
        ("application", "preselected", "retain"),
        ("application", "hired", "reject"),
        ("application", "not_retained", "preselect"),
    ],
)
def test_forbidden_transitions_raise(machine, status, action):
    with pytest.raises(TransitionNotAllowed) as caught:
        next_status(machine, status, action)
    assert (caught.value.machine, caught.value.status, caught.value.action) == (
        machine,
        status,
        action,
    )
    assert "impossible" in str(caught.value)
    assert action not in allowed_actions(machine, status)


@pytest.mark.parametrize(
    "status", [s for s in EscalationStatus if s is not EscalationStatus.RESOLVED]
)
def test_any_escalation_status_can_be_resolved(status):
    assert next_status("escalation", status, "resolve") is EscalationStatus.RESOLVED


@pytest.mark.parametrize(
    ("machine", "status", "actions"),
    [
        ("quote", "draft", ("submit",)),
        ("quote", "submitted", ("approve", "reject")),
        ("quote", "invoiced_balance", ("settle",)),
        ("quote", "settled", ()),
        ("split", "proposed", ("accept", "comment", "reopen")),
        ("split", "validated", ("reopen",)),
        ("candidacy", "ineligible", ()),
        ("placement", "active", ("end", "break")),
        ("statement", "refused", ()),
        ("escalation", "none", ("send_reminder_letter", "propose_reminder_letter", "resolve")),
        ("escalation", "reminder_proposed", ("accept", "decline", "resolve")),
        ("escalation", "penalty_decided", ("resolve",)),
        ("escalation", "resolved", ()),
        ("declaration", "converted", ()),
        ("declaration", "submitted", ("retain", "decline")),
        ("operation", "preparation", ("start",)),
    ],
)
def test_allowed_actions(machine, status, actions):
    assert allowed_actions(machine, status) == actions
    assert is_final(machine, status) is (actions == ())


@pytest.mark.parametrize(
    ("machine", "status"), [("invoice", "draft"), ("quote", "archived"), ("quote", "DRAFT")]
)
def test_unknown_machine_or_status_is_a_value_error(machine, status):
    with pytest.raises(ValueError):
        next_status(machine, status, "submit")
    with pytest.raises(ValueError):
        allowed_actions(machine, status)


@pytest.mark.parametrize("machine", list(TRANSITIONS))
def test_each_machine_is_complete_and_connected(machine):
    enum_type = STATUSES[machine]
    table = TRANSITIONS[machine]
    assert set(table) == set(enum_type)
    for status in enum_type:
        assert status.value == status.value.lower() == str(status)
        assert status_label(machine, status) == STATUS_LABELS[machine][status]
    reachable, frontier = set(), [INITIAL_STATUS[machine]]
    while frontier:
        status = frontier.pop()
        if status not in reachable:
            reachable.add(status)
            frontier.extend(table[status].values())
    assert reachable == set(enum_type)


def test_shared_status_values_keep_their_own_labels():
    assert status_label("quote", "submitted") == "Soumis"
    assert status_label("statement", "submitted") == "Déposé"
    assert status_label("escalation", "resolved") == "Résolue"
