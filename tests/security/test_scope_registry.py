"""The registries of the permission layer are complete once the app is built, and deny by
default still holds where a rule is missing (issue 14; docs/permissions.md).

Each area registers its scope rules and predicates when its blueprint is imported
(``portal/<area>/access.py``). A model owned by an organisation without a rule would be
silently facilitator-only, so every mapped model is classified below: owned by an
organisation (a rule is required) or not (with the reason it needs none).
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.access import PREDICATES, SCOPE_RULES, predicate, scope_rule, scoped
from portal.extensions import db as _db
from portal.models import (
    AccountToken,
    Amendment,
    Application,
    AuditEvent,
    Candidacy,
    CandidacyCriterion,
    Contact,
    ConventionTermination,
    EligibilityDecision,
    EligibilityRules,
    Escalation,
    EscalationEvent,
    FollowupSettings,
    HourLine,
    HoursRecord,
    HourStatement,
    InfoSession,
    InfoSessionInvite,
    Invoice,
    Job,
    JobOffer,
    Letter,
    Lot,
    LotMonthHours,
    LotYearPerson,
    Market,
    MarketKickoff,
    Meeting,
    MeetingParticipant,
    NumberSeries,
    OfferDiffusion,
    Operation,
    Organisation,
    OrganisationReferent,
    Participant,
    PenaltyProposal,
    Placement,
    PlacementEvent,
    PurchaseDeclaration,
    Quote,
    QuoteLineRow,
    Report,
    Setting,
    StatementReminder,
    StoredLotProgress,
    SubcontractorShare,
    SupportAction,
    SupportCommitment,
    TceSplit,
    User,
)
from tests.security.objects import furnished_world

# Rows that reach an organisation through a column or one foreign-key chain: each needs a
# scope rule, registered by the area named here.
OWNED_BY_AN_ORGANISATION = {
    Organisation: "portal.access.scopes",
    User: "portal.access.scopes",
    Operation: "portal.markets.access",
    Market: "portal.markets.access",
    Lot: "portal.markets.access",
    HoursRecord: "portal.markets.access",
    SubcontractorShare: "portal.markets.access",
    TceSplit: "portal.markets.access",
    PurchaseDeclaration: "portal.census.access",
    Quote: "portal.quotes.access",
    Invoice: "portal.invoices.access",
    Participant: "portal.people.access",
    Candidacy: "portal.people.access",
    CandidacyCriterion: "portal.people.access",
    EligibilityDecision: "portal.people.access",
    Placement: "portal.people.access",
    PlacementEvent: "portal.people.access",
    HourStatement: "portal.statements.access",
    HourLine: "portal.statements.access",
    StatementReminder: "portal.statements.access",
    JobOffer: "portal.recruitment.access",
    Application: "portal.recruitment.access",
    Contact: "portal.followup.access",
    Escalation: "portal.followup.access",
    EscalationEvent: "portal.followup.access",
    FollowupSettings: "portal.followup.access",
    Letter: "portal.followup.access",
    MarketKickoff: "portal.followup.access",
    Meeting: "portal.followup.access",
    MeetingParticipant: "portal.followup.access",
    PenaltyProposal: "portal.followup.access",
    Report: "portal.reports.access",
    SupportCommitment: "portal.reports.access",
    SupportAction: "portal.reports.access",
}
# Rows no organisation other than the AMOI reads through ``scoped``: facilitator-only by
# default, on purpose.
WITHOUT_RULE = {
    QuoteLineRow: "read through its quote (a quote's page loads the quote in scope first)",
    AccountToken: "secrets of invitation and reset links: never listed, found by hash only",
    AuditEvent: "the audit trail is read by facilitator admins (can_read_audit)",
    Setting: "the portal's settings (the payee block): the AMOI's reference data",
    Amendment: "the convention's avenants: reference data shared by everyone, kept by the AMOI",
    ConventionTermination: "the convention's end: reference data kept by the AMOI",
    NumberSeries: "gapless numbering counters, never read by a page",
    Job: "its owner's only, even for the AMOI: read by portal.jobs.views.owned_or_404",
    EligibilityRules: "the harmonisation rules' versions: AMOI reference data (admins record them)",
    OrganisationReferent: "the AMOI's referent of each declarer: the AMOI's own work organisation",
    OfferDiffusion: "to whom the AMOI sent an offer: its own work, shown on the offer to the AMOI",
    InfoSession: "the AMOI's information sessions: pages for the AMOI only",
    InfoSessionInvite: "who was invited to a session and came: the AMOI's pages only",
    StoredLotProgress: "each lot's stored progress: read only joined to a scoped(Lot) statement",
    LotMonthHours: "validated hours per lot and month: summed by the dashboard over scoped lots",
    LotYearPerson: "validated hours per lot, year and person id: counted over scoped lots",
}

NON_FACILITATORS = ("buyer_ccvg", "buyer_commune", "company", "structure", "prescriber")


def test_every_mapped_model_is_classified(app):
    mapped = {mapper.class_ for mapper in _db.Model.registry.mappers}
    classified = set(OWNED_BY_AN_ORGANISATION) | set(WITHOUT_RULE)
    unclassified = sorted(model.__name__ for model in mapped - classified)
    assert unclassified == [], (
        "classify these models in tests/security/test_scope_registry.py "
        f"(and register a scope rule if an organisation owns them): {unclassified}"
    )
    assert not set(OWNED_BY_AN_ORGANISATION) & set(WITHOUT_RULE)


@pytest.mark.parametrize("model", list(OWNED_BY_AN_ORGANISATION), ids=lambda model: model.__name__)
def test_every_model_owned_by_an_organisation_has_its_rule(app, model):
    rule = SCOPE_RULES.get(model)
    assert rule is not None, f"{model.__name__} has no scope rule: facilitator-only"
    assert rule.__module__ == OWNED_BY_AN_ORGANISATION[model]
    assert rule.__doc__, "a scope rule says in its docstring who sees what"


@pytest.mark.parametrize("model", list(WITHOUT_RULE), ids=lambda model: model.__name__)
def test_models_without_a_rule_have_none(app, model):
    assert model not in SCOPE_RULES


def test_an_unregistered_model_gives_nothing_to_a_non_facilitator(app):
    furnished = furnished_world()
    users = furnished.world.users
    assert _db.session.scalars(scoped(QuoteLineRow, users["facilitator"])).all() != []
    for persona in NON_FACILITATORS:
        assert _db.session.scalars(scoped(QuoteLineRow, users[persona])).all() == [], persona


def test_a_rule_left_unregistered_denies_instead_of_opening(app, monkeypatch):
    """If an area forgot to register a rule, its model would be hidden, never shown."""
    furnished = furnished_world()
    company = furnished.world.users["company"]
    lot_id = furnished.ids["lot_id"]
    assert _db.session.scalars(scoped(Lot, company).with_only_columns(Lot.id)).all() == [lot_id]
    monkeypatch.delitem(SCOPE_RULES, Lot)
    assert _db.session.scalars(scoped(Lot, company)).all() == []
    assert _db.session.scalar(select(Lot.id).where(Lot.id == lot_id)) == lot_id


def test_a_second_rule_for_a_model_is_refused(app):
    with pytest.raises(ValueError, match="Lot already has a scope rule"):

        @scope_rule(Lot)
        def _lots_again(stmt, user):  # pragma: no cover - never registered
            return stmt


def test_a_second_predicate_with_the_same_name_is_refused(app):
    with pytest.raises(ValueError, match="predicate can_edit_declaration is already defined"):

        @predicate
        def can_edit_declaration(user, declaration):  # pragma: no cover - never registered
            return True


def test_every_predicate_is_a_template_global_once_the_app_is_built(app):
    """The areas register theirs on import; ``create_app`` publishes them afterwards."""
    for area_predicate in ("can_edit_declaration", "can_approve_quote", "can_prepare_split"):
        assert area_predicate in PREDICATES
    missing = sorted(name for name in PREDICATES if name not in app.jinja_env.globals)
    assert missing == []
    assert app.jinja_env.globals["can_edit_declaration"] is PREDICATES["can_edit_declaration"]
