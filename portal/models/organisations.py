"""Organisations: the facilitator, buyers, companies (titulaires) and structures (SIAE/GEIQ)."""

from __future__ import annotations

import enum

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import Timestamped, Versioned


class OrgKind(enum.StrEnum):
    FACILITATOR = "facilitator"
    BUYER = "buyer"
    COMPANY = "company"
    STRUCTURE = "structure"
    PRESCRIBER = "prescriber"

    @property
    def label(self) -> str:
        return ORG_KIND_LABELS[self]


ORG_KIND_LABELS = {
    OrgKind.FACILITATOR: "AMO Insertion",
    OrgKind.BUYER: "Acheteur public",
    OrgKind.COMPANY: "Entreprise titulaire",
    OrgKind.STRUCTURE: "Structure d'insertion (SIAE, GEIQ…)",
    OrgKind.PRESCRIBER: "Prescripteur (France Travail, Mission locale…)",
}

PRESCRIBER_KINDS = {
    "france_travail": "France Travail",
    "mission_locale": "Mission locale",
    "cap_emploi": "Cap emploi",
    "plie": "PLIE",
    "spip": "SPIP",
    "departement": "Conseil départemental",
    "other": "Autre prescripteur",
}
"""Sub-types of a prescriber organisation (docs/domain.md §10): who positions candidates on
the job offers of the pre-recruitment service (convention annexe 1 §1)."""


class StructureKind(enum.StrEnum):
    EI = "EI"
    ACI = "ACI"
    AI = "AI"
    ETTI = "ETTI"
    EITI = "EITI"
    GEIQ = "GEIQ"
    EA = "EA"
    ESAT = "ESAT"

    @property
    def label(self) -> str:
        return STRUCTURE_KIND_LABELS[self]


STRUCTURE_KIND_LABELS = {
    StructureKind.EI: "EI – Entreprise d'insertion",
    StructureKind.ACI: "ACI – Atelier et chantier d'insertion",
    StructureKind.AI: "AI – Association intermédiaire",
    StructureKind.ETTI: "ETTI – Entreprise de travail temporaire d'insertion",
    StructureKind.EITI: "EITI – Entreprise d'insertion par le travail indépendant",
    StructureKind.GEIQ: "GEIQ – Groupement d'employeurs pour l'insertion et la qualification",
    StructureKind.EA: "EA – Entreprise adaptée",
    StructureKind.ESAT: "ESAT – Établissement et service d'accompagnement par le travail",
}


class Trade(enum.StrEnum):
    """Trades a structure works in, for the directory (annexe 1 §1: « une liste exhaustive
    des SIAE et GEIQ peut être diffusée »). A fixed list, so that the filter matches."""

    BUILDING = "batiment"
    FINISHING = "second_oeuvre"
    PUBLIC_WORKS = "travaux_publics"
    GREEN_SPACES = "espaces_verts"
    CLEANING = "proprete"
    LOGISTICS = "logistique"
    CATERING = "restauration"
    RECYCLING = "recyclage"
    SERVICES = "services"

    @property
    def label(self) -> str:
        return TRADE_LABELS[self]


TRADE_LABELS = {
    Trade.BUILDING: "Bâtiment, gros œuvre",
    Trade.FINISHING: "Second œuvre (peinture, plâtrerie, menuiserie)",
    Trade.PUBLIC_WORKS: "Travaux publics, voirie, réseaux",
    Trade.GREEN_SPACES: "Espaces verts, environnement",
    Trade.CLEANING: "Propreté, nettoyage",
    Trade.LOGISTICS: "Logistique, manutention, transport",
    Trade.CATERING: "Restauration",
    Trade.RECYCLING: "Recyclage, réemploi",
    Trade.SERVICES: "Services administratifs et à la personne",
}


def trade_codes(stored: str | None) -> list[str]:
    """The trade codes stored on an organisation (``"batiment,proprete"``), known ones only,
    in the order of the list."""
    codes = set((stored or "").split(","))
    return [t.value for t in Trade if t.value in codes]


# Kinds whose SIRET is mandatory (DESIGN: companies and structures are identified by it).
SIRET_REQUIRED = frozenset({OrgKind.COMPANY, OrgKind.STRUCTURE})


class Organisation(Timestamped, Versioned, db.Model):
    __tablename__ = "organisations"
    NOUN = "Cette organisation"
    FEMININE = True
    PRONOUN = "elle"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str | None] = mapped_column(String(14), unique=True)
    structure_kind: Mapped[str | None] = mapped_column(String(10))
    prescriber_kind: Mapped[str | None] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    address: Mapped[str] = mapped_column(Text, default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    # The directory of structures (annexe 1 §1): where it is and what it does.
    commune: Mapped[str] = mapped_column(String(100), default="", server_default="")
    postal_code: Mapped[str] = mapped_column(String(5), default="", server_default="")
    trades: Mapped[str] = mapped_column(String(200), default="", server_default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # users → organisations already: this key is added after both tables (no cycle to sort)
    last_changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", use_alter=True, name="fk_organisations_last_changed_by_id_users")
    )

    parent: Mapped[Organisation | None] = relationship(remote_side=[id], back_populates="members")
    members: Mapped[list[Organisation]] = relationship(
        back_populates="parent", order_by="Organisation.name"
    )
    users: Mapped[list[User]] = relationship(  # noqa: F821
        back_populates="organisation", order_by="User.name", foreign_keys="User.organisation_id"
    )

    @property
    def kind_label(self) -> str:
        return OrgKind(self.kind).label

    @property
    def structure_kind_label(self) -> str:
        return StructureKind(self.structure_kind).label if self.structure_kind else ""

    @property
    def prescriber_kind_label(self) -> str:
        return PRESCRIBER_KINDS.get(self.prescriber_kind or "", "")

    @property
    def trade_labels(self) -> list[str]:
        return [Trade(code).label for code in trade_codes(self.trades)]

    @property
    def siret_display(self) -> str:
        """SIRET grouped as printed on French documents: 440 238 236 00028."""
        s = self.siret or ""
        return f"{s[:3]} {s[3:6]} {s[6:9]} {s[9:]}" if len(s) == 14 else s

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.kind} {self.name!r}>"


class Setting(db.Model):
    """Instance-wide key/value settings (the demo marker, later the payee block)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
