"""Models, one module per aggregate. Importing this package registers every table."""

from portal.models.accounts import AccountToken, Role, TokenPurpose, User
from portal.models.audit import AuditEvent
from portal.models.census import PurchaseDeclaration
from portal.models.followup import (
    Contact,
    Escalation,
    EscalationEvent,
    FollowupSettings,
    Letter,
    MarketKickoff,
    Meeting,
    MeetingParticipant,
    PenaltyProposal,
)
from portal.models.jobs import Job, JobStatus
from portal.models.markets import (
    HoursRecord,
    Lot,
    Market,
    Operation,
    SubcontractorShare,
    TceSplit,
)
from portal.models.organisations import (
    Organisation,
    OrgKind,
    Setting,
    StructureKind,
    Trade,
)
from portal.models.people import (
    Candidacy,
    CandidacyCriterion,
    EligibilityDecision,
    EligibilityRules,
    OrganisationReferent,
    Participant,
    Placement,
    PlacementEvent,
)
from portal.models.progress import LotMonthHours, LotYearPerson, StoredLotProgress
from portal.models.quotes import (
    Amendment,
    ConventionTermination,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    NumberSeries,
    Quote,
    QuoteKind,
    QuoteLineRow,
)
from portal.models.recruitment import (
    Application,
    InfoSession,
    InfoSessionInvite,
    JobOffer,
    OfferDiffusion,
)
from portal.models.reminders import StatementReminder
from portal.models.reports import Report, ReportKind
from portal.models.statements import HourLine, HourStatement
from portal.models.support import SupportAction, SupportCommitment

__all__ = [
    "AccountToken",
    "Amendment",
    "Application",
    "AuditEvent",
    "Candidacy",
    "CandidacyCriterion",
    "Contact",
    "ConventionTermination",
    "EligibilityDecision",
    "EligibilityRules",
    "Escalation",
    "EscalationEvent",
    "FollowupSettings",
    "HourLine",
    "HourStatement",
    "HoursRecord",
    "InfoSession",
    "InfoSessionInvite",
    "Invoice",
    "InvoiceKind",
    "InvoiceStatus",
    "Job",
    "JobOffer",
    "JobStatus",
    "Letter",
    "Lot",
    "LotMonthHours",
    "LotYearPerson",
    "Market",
    "MarketKickoff",
    "Meeting",
    "MeetingParticipant",
    "NumberSeries",
    "OfferDiffusion",
    "Operation",
    "OrgKind",
    "Organisation",
    "OrganisationReferent",
    "Participant",
    "PenaltyProposal",
    "Placement",
    "PlacementEvent",
    "PurchaseDeclaration",
    "Quote",
    "QuoteKind",
    "QuoteLineRow",
    "Report",
    "ReportKind",
    "Role",
    "Setting",
    "StatementReminder",
    "StoredLotProgress",
    "StructureKind",
    "SubcontractorShare",
    "SupportAction",
    "SupportCommitment",
    "TceSplit",
    "TokenPurpose",
    "Trade",
    "User",
]

# Counted columns that need both tables (kept here to avoid import cycles).
from sqlalchemy import func, select
from sqlalchemy.orm import column_property

Organisation.user_count = column_property(
    select(func.count(User.id))
    .where(User.organisation_id == Organisation.id)
    .correlate_except(User)
    .scalar_subquery(),
    deferred=True,
)
