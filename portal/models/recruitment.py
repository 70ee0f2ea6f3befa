"""Pre-recruitment: job offers, their diffusion to prescribers, the candidates positioned on
them and the information sessions (convention annexe 1 §1 « service de pré-recrutement clé
en main », annexe 2 « embauche directe »; docs/domain.md §10).

Personal data stay in ``applications`` (identity, referent, the CV file, free text). Each
column is classified: **identity** (blanked when the CV is deleted, six months after the
offer closes, ``RECRUITMENT_CV_RETENTION_MONTHS``) or kept (stage, dates, reason codes).

Paths to the organisations, for ``portal.access`` scope rules:
offer → lot → holder (the company); application → prescriber (the organisation that
proposed) and offer → lot → holder (the company, once presented).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import Timestamped, UTCDateTime, Versioned, utcnow
from portal.rules.eligibility import ContractType
from portal.rules.reporting import QUALIFICATION_LEVELS
from portal.rules.workflow import ApplicationStatus, OfferStatus, status_label

HOURS = Numeric(8, 2)

REJECTION_REASONS = {
    "profile": "Profil ne correspondant pas au poste",
    "eligibility": "Critères d'éligibilité non remplis",
    "availability": "Indisponibilité du candidat",
    "withdrawn": "Désistement du candidat",
    "no_show": "Absence à l'entretien ou à l'information collective",
    "mobility": "Problème de mobilité",
    "posts_filled": "Postes déjà pourvus",
    "other": "Autre motif",
}
"""Why a candidate is not retained (docs/domain.md §10), code → French label; a free text
completes it."""


class JobOffer(Timestamped, Versioned, db.Model):
    """A job offer on a lot (*offre d'emploi*), written by the AMOI or by the company that
    holds the lot (then checked and opened by the AMOI). No personal data."""

    __tablename__ = "job_offers"
    NOUN = "Cette offre"
    FEMININE = True
    PRONOUN = "elle"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20), default=OfferStatus.DRAFT.value, index=True)
    title: Mapped[str] = mapped_column(String(200))
    trade_label: Mapped[str] = mapped_column(String(200), default="")
    rome_code: Mapped[str] = mapped_column(String(10), default="")
    posts: Mapped[int] = mapped_column(Integer, default=1)
    contract_type: Mapped[str] = mapped_column(String(30))
    weekly_hours: Mapped[Decimal] = mapped_column(HOURS)
    start_on: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    requirements: Mapped[str] = mapped_column(Text, default="")
    clause_hours: Mapped[Decimal | None] = mapped_column(HOURS)
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date, index=True)

    lot: Mapped[Lot] = relationship()  # noqa: F821
    author: Mapped[Organisation] = relationship()  # noqa: F821
    diffusions: Mapped[list[OfferDiffusion]] = relationship(
        back_populates="offer", order_by="OfferDiffusion.id"
    )
    applications: Mapped[list[Application]] = relationship(
        back_populates="offer", order_by="Application.id"
    )

    @property
    def status_label(self) -> str:
        return status_label("offer", self.status)

    @property
    def contract_type_label(self) -> str:
        return ContractType(self.contract_type).label

    @property
    def lot_label(self) -> str:
        return f"{self.lot.market.reference} – {self.lot.label}"

    def __repr__(self) -> str:
        return f"<JobOffer {self.id} {self.status}>"


class OfferDiffusion(db.Model):
    """The offer sent to one organisation (a prescriber, a SIAE or a GEIQ of the directory):
    to which address and when (convention annexe 1 §1: « diffusion auprès de l'ensemble des
    opérateurs du territoire »)."""

    __tablename__ = "offer_diffusions"
    __table_args__ = (UniqueConstraint("offer_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("job_offers.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    offer: Mapped[JobOffer] = relationship(back_populates="diffusions")
    organisation: Mapped[Organisation] = relationship()  # noqa: F821


class Application(Timestamped, Versioned, db.Model):
    """A candidate positioned on an offer by a prescriber (or by the AMOI on its behalf).

    Identity (blanked with the CV): ``last_name``, ``first_name``, ``birth_date``,
    ``referent_name``, ``referent_email``, ``cv_file``, ``interview_outcome``, ``amoi_note``,
    ``rejection_detail``, ``feedback_progress``, ``feedback_obstacles``.
    Kept: the stage, the dates, the reason code, sex, birth year, qualification, commune,
    criteria codes. Never a social-security number (NIR)."""

    __tablename__ = "applications"
    __table_args__ = (Index("ix_applications_offer_status", "offer_id", "status"),)
    NOUN = "Cette candidature"
    FEMININE = True
    PRONOUN = "elle"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("job_offers.id"), index=True)
    prescriber_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_by_amoi: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(
        String(20), default=ApplicationStatus.RECEIVED.value, index=True
    )
    # --- identity (the fields of a candidacy; never a NIR)
    last_name: Mapped[str] = mapped_column(String(120), default="")
    first_name: Mapped[str] = mapped_column(String(120), default="")
    birth_date: Mapped[date | None] = mapped_column(Date)
    # --- aggregates
    sex: Mapped[str] = mapped_column(String(1))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    qualification: Mapped[str] = mapped_column(String(20))
    commune: Mapped[str] = mapped_column(String(120), default="")
    postal_code: Mapped[str] = mapped_column(String(5), default="")
    qpv_resident: Mapped[bool] = mapped_column(Boolean, default=False)
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    # --- the referent (*référent de parcours*), a third person
    referent_name: Mapped[str] = mapped_column(String(200), default="")
    referent_email: Mapped[str] = mapped_column(String(254), default="")
    # --- the CV (outside static/, like the proofs)
    cv_file: Mapped[str | None] = mapped_column(String(80))
    cv_size: Mapped[int | None] = mapped_column(Integer)
    cv_sha256: Mapped[str | None] = mapped_column(String(64))
    cv_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # --- the stages
    interview_on: Mapped[date | None] = mapped_column(Date)
    interview_outcome: Mapped[str] = mapped_column(Text, default="")
    amoi_note: Mapped[str] = mapped_column(Text, default="")
    presented_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    rejection_reason: Mapped[str] = mapped_column(String(20), default="")
    rejection_detail: Mapped[str] = mapped_column(Text, default="")
    candidacy_id: Mapped[int | None] = mapped_column(ForeignKey("candidacies.id"), unique=True)
    # --- the post-mission feedback (convention annexe 1 §1: « retour après la mission »)
    feedback_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    feedback_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    feedback_progress: Mapped[str] = mapped_column(Text, default="")
    feedback_obstacles: Mapped[str] = mapped_column(Text, default="")
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    offer: Mapped[JobOffer] = relationship(back_populates="applications")
    prescriber: Mapped[Organisation] = relationship(foreign_keys=[prescriber_id])  # noqa: F821
    candidacy: Mapped[Candidacy | None] = relationship()  # noqa: F821
    invitations: Mapped[list[InfoSessionInvite]] = relationship(back_populates="application")

    IDENTITY_COLUMNS = (
        "last_name",
        "first_name",
        "birth_date",
        "referent_name",
        "referent_email",
        "cv_file",
        "interview_outcome",
        "amoi_note",
        "rejection_detail",
        "feedback_progress",
        "feedback_obstacles",
    )
    """Blanked when the CV is deleted (docs/domain.md §10)."""

    @property
    def display_name(self) -> str:
        if self.anonymised_at is not None:
            return f"Candidature anonymisée n° {self.id}"
        return f"{self.first_name} {self.last_name.upper()}"

    @property
    def status_label(self) -> str:
        return status_label("application", self.status)

    @property
    def rejection_label(self) -> str:
        return REJECTION_REASONS.get(self.rejection_reason, "")

    @property
    def qualification_label(self) -> str:
        return QUALIFICATION_LEVELS.get(self.qualification, self.qualification)

    @property
    def has_cv(self) -> bool:
        return bool(self.cv_file)

    def __repr__(self) -> str:
        return f"<Application {self.id} {self.status}>"  # never the name


info_session_offers = Table(
    "info_session_offers",
    db.metadata,
    Column("session_id", ForeignKey("info_sessions.id"), primary_key=True),
    Column("offer_id", ForeignKey("job_offers.id"), primary_key=True),
)


class InfoSession(Timestamped, db.Model):
    """An information session (*information collective*) gathering candidates invited on
    one or more offers: date, time, place, attendance (convention annexe 2)."""

    __tablename__ = "info_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[str] = mapped_column(String(5), default="")
    place: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    offers: Mapped[list[JobOffer]] = relationship(
        secondary=info_session_offers, order_by="JobOffer.id"
    )
    invites: Mapped[list[InfoSessionInvite]] = relationship(
        back_populates="session", order_by="InfoSessionInvite.id", cascade="all, delete-orphan"
    )


class InfoSessionInvite(db.Model):
    """A candidate invited to an information session, and whether they came."""

    __tablename__ = "info_session_invites"
    __table_args__ = (UniqueConstraint("session_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("info_sessions.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    attended: Mapped[bool | None] = mapped_column(Boolean)

    session: Mapped[InfoSession] = relationship(back_populates="invites")
    application: Mapped[Application] = relationship(back_populates="invitations")
