"""People proposed on a lot, their eligibility and their hires (docs/domain.md §5 and §6;
convention annex 1 §3: « en amont de tout recrutement, chacune des candidatures devra être
validée »).

Personal data stay in these tables only. Each model says which columns are **identity**
(names, birth day, free text, the duplicate key: blanked when a person is anonymised) and
which are **aggregates** (sex, birth year, qualification, commune, QPV, criteria codes,
modalities, contract types, hours, dates of the pathway: kept for the reports). Health data
(the ``disabled_worker`` criterion, RQTH) is a criterion code like the others: its document
is never stored, and only AMOI users see the code.

Paths to the organisations, for ``portal.access`` scope rules:
candidacy → declarer (the company or structure that proposed) and lot → holder;
placement → employer (the declarer) and lot; participant → its candidacies' declarers.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import Timestamped, UTCDateTime, Versioned, utcnow
from portal.rules.eligibility import (
    CRITERIA,
    ContractType,
    HarmonisationRules,
    Modality,
)
from portal.rules.reporting import QUALIFICATION_LEVELS, ExitCategory, ExitKind
from portal.rules.workflow import CandidacyStatus, PlacementStatus, status_label

HOURS = Numeric(8, 2)

SEX_LABELS = {"F": "Femme", "M": "Homme"}
"""Sex as the reports count it (docs/domain.md §5 typology)."""

PATHWAY_REFERENT_KINDS = {
    "france_travail": "France Travail",
    "mission_locale": "Mission locale",
    "cap_emploi": "Cap emploi",
    "plie": "PLIE",
    "spip": "SPIP",
    "departement": "Conseil départemental",
    "siae": "Structure d'insertion",
    "other": "Autre",
}
"""Who follows the person outside (*référent de parcours*), code → French label."""

BREAK_KINDS = {"rupture": "Rupture", "abandon": "Abandon"}
"""Kinds of a placement's break (convention annex 2: « remplacements / abandons / ruptures »)."""


class EligibilityRules(Timestamped, db.Model):
    """One version of the departmental harmonisation rules (convention annex 1 §3), in force
    from ``effective_from``: the criteria accepted, the maximum proof age, how long
    eligibility holds, the CDI cap. Recorded by an AMOI admin like the avenants' price grids;
    a decision points to the version it applied and keeps a copy of its values, so a new
    version never re-judges earlier decisions (docs/domain.md §5). No row: the portal's
    defaults (``rules.eligibility.DEFAULT_RULES``)."""

    __tablename__ = "eligibility_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date, unique=True)
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    proof_max_age_months: Mapped[int] = mapped_column(Integer)
    eligibility_months: Mapped[int] = mapped_column(Integer)
    cdi_cap_months: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship()  # noqa: F821

    def as_rules(self) -> HarmonisationRules:
        """The pure value the rules work with."""
        return HarmonisationRules(
            effective_from=self.effective_from,
            criteria=frozenset(self.criteria or ()),
            proof_max_age_months=self.proof_max_age_months,
            eligibility_months=self.eligibility_months,
            cdi_cap_months=self.cdi_cap_months,
        )


class Participant(Timestamped, Versioned, db.Model):
    """A person proposed on one or more lots (*personne en insertion*). One row per person:
    a second candidacy with the same normalised names and birth date is linked to it
    (``rules.eligibility.identity_key``); the AMOI can merge two rows or split one.

    Identity (erased by anonymisation): ``last_name``, ``first_name``, ``birth_date``,
    ``match_key`` (derived from them), ``notes`` (free text).
    Aggregates (kept): ``sex``, ``birth_year``, ``qualification``, ``commune``,
    ``postal_code``, ``qpv_resident``.
    Management: ``amoi_referent_id`` (the *référent unique* among the AMOI's users),
    ``merged_into_id`` (a row merged into another), ``anonymised_at``.
    """

    __tablename__ = "participants"
    # the AMOI's people search reads the names in order (migration 0013_people_indexes)
    __table_args__ = (Index("ix_participants_names", "last_name", "first_name", "id"),)
    NOUN = "Cette personne"
    FEMININE = True
    PRONOUN = "elle"

    id: Mapped[int] = mapped_column(primary_key=True)
    # --- identity: erased when the person is anonymised
    last_name: Mapped[str] = mapped_column(String(120))
    first_name: Mapped[str] = mapped_column(String(120))
    birth_date: Mapped[date | None] = mapped_column(Date)
    match_key: Mapped[str | None] = mapped_column(String(300), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # --- aggregates: kept for the reports
    sex: Mapped[str] = mapped_column(String(1))
    birth_year: Mapped[int] = mapped_column(Integer)
    qualification: Mapped[str] = mapped_column(String(20))
    commune: Mapped[str] = mapped_column(String(120), default="")
    postal_code: Mapped[str] = mapped_column(String(5), default="")
    qpv_resident: Mapped[bool] = mapped_column(Boolean, default=False)
    # --- management
    amoi_referent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id"))
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    amoi_referent: Mapped[User | None] = relationship(  # noqa: F821
        foreign_keys=[amoi_referent_id]
    )
    merged_into: Mapped[Participant | None] = relationship(remote_side=[id])
    candidacies: Mapped[list[Candidacy]] = relationship(
        back_populates="participant", order_by="Candidacy.id"
    )
    placements: Mapped[list[Placement]] = relationship(
        back_populates="participant", order_by="Placement.id"
    )

    IDENTITY_COLUMNS = ("last_name", "first_name", "birth_date", "match_key", "notes")
    """Blanked by anonymisation (docs/domain.md §5)."""

    @property
    def display_name(self) -> str:
        if self.anonymised_at is not None:
            return f"Personne anonymisée n° {self.id}"
        return f"{self.first_name} {self.last_name.upper()}"

    @property
    def sex_label(self) -> str:
        return SEX_LABELS.get(self.sex, self.sex)

    @property
    def qualification_label(self) -> str:
        return QUALIFICATION_LEVELS.get(self.qualification, self.qualification)

    def __repr__(self) -> str:
        return f"<Participant {self.id}>"  # never the name: reprs end in logs


class Candidacy(Timestamped, Versioned, db.Model):
    """A proposal of a person for a lot (or a TCE share) by a company or a structure, or by
    the AMOI on its behalf; the AMOI decides before any hire (convention annex 1 §3).

    Identity (erased by anonymisation): ``referent_name`` (the *référent de parcours*, a
    third person), ``withdrawal_reason`` (free text).
    Aggregates (kept): everything else — lot, declarer, modality, contract type, planned
    start and weekly hours, job title, the referent's organisation, ``age_band`` at the
    proposal. Never a social-security number (NIR).
    """

    __tablename__ = "candidacies"
    # the pending queue: oldest first, by lot, by declarer (migration 0013_people_indexes)
    __table_args__ = (
        Index("ix_candidacies_status_submitted", "status", "submitted_at", "id"),
        Index("ix_candidacies_status_lot", "status", "lot_id"),
        Index("ix_candidacies_status_declarer", "status", "declarer_id"),
    )
    NOUN = "Cette candidature"
    FEMININE = True
    PRONOUN = "elle"

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"), index=True)
    share_id: Mapped[int | None] = mapped_column(ForeignKey("subcontractor_shares.id"), index=True)
    declarer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_by_amoi: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(
        String(20), default=CandidacyStatus.PENDING.value, index=True
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # --- aggregates
    modality: Mapped[str] = mapped_column(String(30))
    contract_type: Mapped[str] = mapped_column(String(30))
    planned_start: Mapped[date | None] = mapped_column(Date)
    weekly_hours: Mapped[Decimal | None] = mapped_column(HOURS)
    job_title: Mapped[str] = mapped_column(String(200), default="")
    referent_kind: Mapped[str] = mapped_column(String(30), default="")
    referent_organisation: Mapped[str] = mapped_column(String(200), default="")
    age_band: Mapped[str] = mapped_column(String(10), default="")
    # --- identity / free text: erased by anonymisation
    referent_name: Mapped[str] = mapped_column(String(200), default="")
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="")
    # --- matching: only the AMOI sees that the person was already known
    matched_existing: Mapped[bool] = mapped_column(Boolean, default=False)

    participant: Mapped[Participant] = relationship(back_populates="candidacies")
    lot: Mapped[Lot | None] = relationship()  # noqa: F821
    share: Mapped[SubcontractorShare | None] = relationship()  # noqa: F821
    declarer: Mapped[Organisation] = relationship()  # noqa: F821
    submitted_by: Mapped[User | None] = relationship(  # noqa: F821
        foreign_keys=[submitted_by_id]
    )
    criteria: Mapped[list[CandidacyCriterion]] = relationship(
        back_populates="candidacy", order_by="CandidacyCriterion.id", cascade="all, delete-orphan"
    )
    decision: Mapped[EligibilityDecision | None] = relationship(
        back_populates="candidacy", uselist=False
    )
    placement: Mapped[Placement | None] = relationship(
        back_populates="candidacy", uselist=False, foreign_keys="Placement.candidacy_id"
    )
    replaces: Mapped[Placement | None] = relationship(
        foreign_keys="Placement.replacement_candidacy_id",
        uselist=False,
        viewonly=True,
    )

    IDENTITY_COLUMNS = ("referent_name", "withdrawal_reason")
    """Blanked by anonymisation (docs/domain.md §5)."""

    @property
    def status_label(self) -> str:
        return status_label("candidacy", self.status)

    @property
    def modality_label(self) -> str:
        return Modality(self.modality).label

    @property
    def contract_type_label(self) -> str:
        return ContractType(self.contract_type).label

    @property
    def referent_kind_label(self) -> str:
        return PATHWAY_REFERENT_KINDS.get(self.referent_kind, self.referent_kind)

    @property
    def target_label(self) -> str:
        """The lot, or the TCE share, the person is proposed on."""
        if self.lot is not None:
            return f"{self.lot.market.reference} – {self.lot.label}"
        if self.share is not None:
            return f"{self.share.operation.name} – part TCE {self.share.trade_label}"
        return ""

    def __repr__(self) -> str:
        return f"<Candidacy {self.id} {self.status}>"


class CandidacyCriterion(db.Model):
    """A criterion the declarer believes applies, with its proof's metadata (docs/domain.md
    §5). The proof file, if any, sits outside ``static/`` under a random name
    (``proof_file``) until the AMOI decides; then the file is deleted and what stays is its
    type, its date, its SHA-256 and who checked it. An RQTH proof (health data) is never
    stored: ``proof_seen`` records only that it was seen.

    No identity column: a criterion code is an aggregate (health-data codes are shown to
    AMOI users only)."""

    __tablename__ = "candidacy_criteria"
    __table_args__ = (UniqueConstraint("candidacy_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("candidacies.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    proof_type: Mapped[str] = mapped_column(String(200), default="")
    proof_date: Mapped[date | None] = mapped_column(Date)
    proof_file: Mapped[str | None] = mapped_column(String(80))
    proof_content_type: Mapped[str | None] = mapped_column(String(40))
    proof_size: Mapped[int | None] = mapped_column(Integer)
    proof_sha256: Mapped[str | None] = mapped_column(String(64))
    proof_seen: Mapped[bool] = mapped_column(Boolean, default=False)
    proof_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retained: Mapped[bool | None] = mapped_column(Boolean)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    candidacy: Mapped[Candidacy] = relationship(back_populates="criteria")
    checked_by: Mapped[User | None] = relationship()  # noqa: F821

    @property
    def label(self) -> str:
        criterion = CRITERIA.get(self.code)
        return criterion.label if criterion else self.code

    @property
    def health_data(self) -> bool:
        criterion = CRITERIA.get(self.code)
        return bool(criterion and criterion.health_data)


class EligibilityDecision(Timestamped, db.Model):
    """The AMOI's decision on a candidacy: eligible (criteria retained on the candidacy's
    criteria, validity end from ``rules.eligibility.eligible_until``, hours of the lot that
    may be counted) or not eligible, with a reason written for the declarer. It records the
    harmonisation rules it applied (``rules_id`` and a copy in ``rules_applied``) and the
    earlier valid decision of the same person it recognised, if any (docs/domain.md §5).

    Identity / free text (erased by anonymisation): ``reason``.
    Aggregates (kept): outcome, dates, hours, criteria codes, rules."""

    __tablename__ = "eligibility_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("candidacies.id"), unique=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    eligible: Mapped[bool] = mapped_column(Boolean)
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    eligible_from: Mapped[date | None] = mapped_column(Date)
    eligible_until: Mapped[date | None] = mapped_column(Date)
    countable_hours: Mapped[Decimal | None] = mapped_column(HOURS)
    criteria_codes: Mapped[list] = mapped_column(JSON, default=list)
    rules_id: Mapped[int | None] = mapped_column(ForeignKey("eligibility_rules.id"))
    rules_applied: Mapped[dict] = mapped_column(JSON, default=dict)
    earlier_decision_id: Mapped[int | None] = mapped_column(ForeignKey("eligibility_decisions.id"))
    # --- free text: erased by anonymisation
    reason: Mapped[str] = mapped_column(Text, default="")

    candidacy: Mapped[Candidacy] = relationship(back_populates="decision")
    participant: Mapped[Participant] = relationship()
    decided_by: Mapped[User | None] = relationship()  # noqa: F821
    rules: Mapped[EligibilityRules | None] = relationship()
    earlier_decision: Mapped[EligibilityDecision | None] = relationship(remote_side=[id])

    IDENTITY_COLUMNS = ("reason",)
    """Blanked by anonymisation (docs/domain.md §5)."""

    @property
    def applied_rules(self) -> HarmonisationRules:
        return HarmonisationRules.from_data(self.rules_applied)

    @property
    def outcome_label(self) -> str:
        return "Éligible" if self.eligible else "Non éligible"


class Placement(Timestamped, Versioned, db.Model):
    """A hire on a lot (or a TCE share) after an eligible decision: the declarer confirmed
    the actual start (docs/domain.md §6). Its changes (end date, weekly hours), its break
    and its end are ``PlacementEvent`` rows; the exit situation is recorded at the end and
    again at +6 months (``rules.reporting.exit_category``).

    Identity / free text (erased by anonymisation): ``break_reason``.
    Aggregates (kept): modality, contract type, dates, weekly hours, exit kinds and
    categories."""

    __tablename__ = "placements"
    NOUN = "Cette embauche"
    FEMININE = True
    PRONOUN = "elle"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidacy_id: Mapped[int] = mapped_column(ForeignKey("candidacies.id"), unique=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"), index=True)
    # the candidacy proposed to replace the person after a break (convention annex 2)
    replacement_candidacy_id: Mapped[int | None] = mapped_column(
        ForeignKey("candidacies.id"), unique=True
    )
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("eligibility_decisions.id"))
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lots.id"), index=True)
    share_id: Mapped[int | None] = mapped_column(ForeignKey("subcontractor_shares.id"), index=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(
        String(20), default=PlacementStatus.ACTIVE.value, index=True
    )
    # --- aggregates
    modality: Mapped[str] = mapped_column(String(30))
    contract_type: Mapped[str] = mapped_column(String(30))
    start_date: Mapped[date] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    weekly_hours: Mapped[Decimal] = mapped_column(HOURS)
    ended_on: Mapped[date | None] = mapped_column(Date)
    break_kind: Mapped[str | None] = mapped_column(String(20))
    exit_kind: Mapped[str | None] = mapped_column(String(30))
    exit_duration_months: Mapped[int | None] = mapped_column(Integer)
    exit_category: Mapped[str | None] = mapped_column(String(20))
    followup_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    followup_kind: Mapped[str | None] = mapped_column(String(30))
    followup_duration_months: Mapped[int | None] = mapped_column(Integer)
    followup_category: Mapped[str | None] = mapped_column(String(20))
    followup_recorded_on: Mapped[date | None] = mapped_column(Date)
    # --- free text: erased by anonymisation
    break_reason: Mapped[str] = mapped_column(Text, default="")

    candidacy: Mapped[Candidacy] = relationship(
        back_populates="placement", foreign_keys=[candidacy_id]
    )
    participant: Mapped[Participant] = relationship(back_populates="placements")
    decision: Mapped[EligibilityDecision | None] = relationship()
    lot: Mapped[Lot | None] = relationship()  # noqa: F821
    share: Mapped[SubcontractorShare | None] = relationship()  # noqa: F821
    employer: Mapped[Organisation] = relationship()  # noqa: F821
    events: Mapped[list[PlacementEvent]] = relationship(
        back_populates="placement", order_by="PlacementEvent.id"
    )
    replacement_candidacy: Mapped[Candidacy | None] = relationship(
        foreign_keys=[replacement_candidacy_id]
    )

    IDENTITY_COLUMNS = ("break_reason",)
    """Blanked by anonymisation (docs/domain.md §5)."""

    @property
    def status_label(self) -> str:
        return status_label("placement", self.status)

    @property
    def modality_label(self) -> str:
        return Modality(self.modality).label

    @property
    def contract_type_label(self) -> str:
        return ContractType(self.contract_type).label

    @property
    def exit_kind_label(self) -> str:
        return ExitKind(self.exit_kind).label if self.exit_kind else ""

    @property
    def exit_category_label(self) -> str:
        return ExitCategory(self.exit_category).label if self.exit_category else ""

    @property
    def followup_category_label(self) -> str:
        return ExitCategory(self.followup_category).label if self.followup_category else ""

    @property
    def break_kind_label(self) -> str:
        return BREAK_KINDS.get(self.break_kind or "", "")


class PlacementEvent(db.Model):
    """One event of a placement's life, dated (convention annex 2): ``start``,
    ``change`` (new planned end and/or weekly hours from ``effective_on``), ``break``,
    ``end``, ``followup`` (the +6-month situation). Values are aggregates (dates, hours,
    kinds); ``reason`` is free text, erased by anonymisation."""

    __tablename__ = "placement_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    effective_on: Mapped[date] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    weekly_hours: Mapped[Decimal | None] = mapped_column(HOURS)
    detail: Mapped[str] = mapped_column(String(40), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    placement: Mapped[Placement] = relationship(back_populates="events")
    recorded_by: Mapped[User | None] = relationship()  # noqa: F821

    IDENTITY_COLUMNS = ("reason",)
    """Blanked by anonymisation (docs/domain.md §5)."""

    KIND_LABELS = {  # noqa: RUF012
        "start": "Début du contrat",
        "change": "Modification",
        "break": "Rupture ou abandon",
        "end": "Fin du contrat",
        "followup": "Situation à 6 mois",
    }

    @property
    def kind_label(self) -> str:
        return self.KIND_LABELS.get(self.kind, self.kind)


class OrganisationReferent(Timestamped, db.Model):
    """The AMOI's *référent unique* of a company or structure (convention annex 1 §1),
    chosen among the AMOI's users; the work queues filter on it. One per organisation."""

    __tablename__ = "organisation_referents"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)

    organisation: Mapped[Organisation] = relationship()  # noqa: F821
    user: Mapped[User] = relationship()  # noqa: F821
