"""The directory of insertion structures (SIAE, GEIQ…), readable by every role.

Convention annexe 1 §1: « une liste exhaustive des SIAE et GEIQ peut être diffusée ». The
companies and buyers read it to find a structure for a lot; it shows only what a
structure publishes about itself — name, kind, trades, commune, contact — never its
accounts, its SIRET-linked internal data or the AMOI's notes.

This is the one read of organisations that does not go through ``scoped(Organisation)``
(which gives a company or a buyer its own organisation only): it selects structures only,
loads only the public columns, and hands the template :class:`DirectoryEntry` values, not
model objects, so a template cannot reach a relationship (users, lots) by mistake. Other
kinds of organisation never appear; the AMOI alone also sees deactivated structures.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, literal, or_, select
from sqlalchemy.orm import load_only

from portal.access import is_facilitator
from portal.models import Organisation, OrgKind, StructureKind, Trade, User
from portal.models.organisations import trade_codes

PUBLIC_COLUMNS = (
    Organisation.id,
    Organisation.name,
    Organisation.structure_kind,
    Organisation.trades,
    Organisation.commune,
    Organisation.postal_code,
    Organisation.contact_email,
    Organisation.contact_phone,
    Organisation.active,
)


@dataclass(frozen=True)
class DirectoryEntry:
    """What the directory publishes about one structure."""

    id: int
    name: str
    kind: str
    kind_label: str
    trades: tuple[str, ...]
    commune: str
    postal_code: str
    contact_email: str
    contact_phone: str
    active: bool

    @classmethod
    def of(cls, org: Organisation) -> DirectoryEntry:
        kind = org.structure_kind or ""
        return cls(
            id=org.id,
            name=org.name,
            kind=kind,
            kind_label=StructureKind(kind).label if kind else "",
            trades=tuple(Trade(code).label for code in trade_codes(org.trades)),
            commune=org.commune,
            postal_code=org.postal_code,
            contact_email=org.contact_email,
            contact_phone=org.contact_phone,
            active=org.active,
        )


def directory_statement(
    user: User,
    *,
    text: str | None = None,
    kind: str | None = None,
    trade: str | None = None,
    commune: str | None = None,
) -> Select:
    """The structures of the directory, filtered, by name; only public columns loaded."""
    stmt = (
        select(Organisation)
        .options(load_only(*PUBLIC_COLUMNS[1:]))
        .where(Organisation.kind == OrgKind.STRUCTURE)
        .order_by(Organisation.name, Organisation.id)
    )
    if not is_facilitator(user):
        stmt = stmt.where(Organisation.active.is_(True))
    if text:
        like = f"%{text.lower()}%"
        stmt = stmt.where(or_(Organisation.name.ilike(like), Organisation.commune.ilike(like)))
    if kind:
        stmt = stmt.where(Organisation.structure_kind == kind)
    if trade:
        stmt = stmt.where(
            (literal(",") + Organisation.trades + literal(",")).contains(f",{trade},")
        )
    if commune:
        stmt = stmt.where(Organisation.commune == commune)
    return stmt


def communes_statement(user: User) -> Select:
    """The communes where a listed structure sits (the options of the commune filter)."""
    stmt = (
        select(Organisation.commune)
        .where(Organisation.kind == OrgKind.STRUCTURE, Organisation.commune != "")
        .distinct()
        .order_by(Organisation.commune)
    )
    if not is_facilitator(user):
        stmt = stmt.where(Organisation.active.is_(True))
    return stmt


def as_entries(pagination: Pagination) -> Pagination:
    """The page's organisations replaced by their public entries."""
    pagination.items = [DirectoryEntry.of(org) for org in pagination.items]
    return pagination
