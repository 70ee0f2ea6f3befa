"""User accounts and their single-use links (invitation, password reset)."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import Timestamped, UTCDateTime
from portal.models.organisations import Organisation, OrgKind


class Role(enum.StrEnum):
    """The five roles of docs/permissions.md, derived from the organisation's kind (the
    prescriber: France Travail, Missions locales… positioning candidates on job offers)."""

    FACILITATOR = "facilitator"
    BUYER = "buyer"
    COMPANY = "company"
    STRUCTURE = "structure"
    PRESCRIBER = "prescriber"

    @property
    def label(self) -> str:
        return OrgKind(self.value).label


CLAUSE_ROLES = (Role.FACILITATOR, Role.BUYER, Role.COMPANY, Role.STRUCTURE)
"""The parties of the clause: every role but the prescriber, who only reaches the job offers
and its own candidates (docs/permissions.md)."""


class User(UserMixin, Timestamped, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # Always stored lower-cased: uniqueness is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped by logout, password change and deactivation: every older session dies.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship(
        back_populates="users", foreign_keys=[organisation_id]
    )

    @property
    def role(self) -> Role:
        return Role(self.organisation.kind)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active and self.organisation.active and self.password_hash is not None

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None

    def get_id(self) -> str:  # Flask-Login: the session carries the version too
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Invalidate every session of this user (logout, password change, deactivation)."""
        self.session_version = (self.session_version or 0) + 1

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class TokenPurpose(enum.StrEnum):
    INVITATION = "invitation"
    RESET = "reset"


class AccountToken(db.Model):
    """A single-use link; only the SHA-256 of the secret is stored."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
