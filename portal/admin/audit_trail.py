"""The audit page in French (issue 8): each line names its object the way users know it
(« Devis DEV-2026-0004 », « Opération « Gymnase » ») and says its detail in words, from
the codes the trail stores (``portal.audit``: ids and codes only, never personal values).

Objects are loaded once per type for the whole page (no query per line), through
``access.scoped`` like every other read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import current_app, url_for
from sqlalchemy.orm import joinedload
from wtforms.fields.core import UnboundField

from portal.access import scoped
from portal.admin.settings_forms import AmendmentForm
from portal.census.forms import DeclarationForm
from portal.convention.payee import PAYEE_FIELDS
from portal.extensions import db
from portal.formatting import hours
from portal.french import org_with_article
from portal.markets.forms import LotForm, MarketForm, OperationForm
from portal.models import (
    Amendment,
    AuditEvent,
    Invoice,
    Lot,
    Market,
    Operation,
    Organisation,
    OrgKind,
    PurchaseDeclaration,
    Quote,
    QuoteKind,
    SubcontractorShare,
    User,
)
from portal.organisations.forms import OrganisationForm
from portal.rules.markets import LegalBasis, PurchaseNature
from portal.rules.workflow import status_label
from portal.web.params import parse_int


@dataclass(frozen=True)
class Described:
    """An audit line's object and detail, in French; ``url`` links to the object's page."""

    object: str
    url: str | None
    detail: str


MODELS: dict[str, type] = {
    "User": User,
    "Organisation": Organisation,
    "Operation": Operation,
    "Market": Market,
    "Lot": Lot,
    "SubcontractorShare": SubcontractorShare,
    "PurchaseDeclaration": PurchaseDeclaration,
    "Quote": Quote,
    "Invoice": Invoice,
    "Amendment": Amendment,
}

# What an object is called when it no longer exists (a deleted TCE share).
GONE = {
    "User": "Compte",
    "Organisation": "Organisation",
    "Operation": "Opération",
    "Market": "Marché",
    "Lot": "Lot",
    "SubcontractorShare": "Part de sous-traitance",
    "PurchaseDeclaration": "Déclaration du recensement",
    "Quote": "Devis",
    "Invoice": "Facture",
    "Amendment": "Avenant",
}

# Detail keys whose value is the id of another object.
REFERENCES = {
    "operation": "Operation",
    "market": "Market",
    "organisation": "Organisation",
    "new": "Quote",
    "from_declaration": "PurchaseDeclaration",
}

# Forms whose labels name the fields an update changed ("fields=name,siret").
FORMS = {
    "Organisation": OrganisationForm,
    "Operation": OperationForm,
    "Market": MarketForm,
    "Lot": LotForm,
    "PurchaseDeclaration": DeclarationForm,
    "Amendment": AmendmentForm,
}

VIA = {
    "account": "depuis la page « Mon compte »",
    "invitation": "par un lien d'invitation",
    "reset": "par un lien de réinitialisation",
}
DECISIONS = {"retain": "clause recommandée", "decline": "sans clause"}


def field_labels(form: type) -> dict[str, str]:
    """Field name → French label, read from the form class (no request needed)."""
    labels = {}
    for name in dir(form):
        attr = getattr(form, name, None)
        if isinstance(attr, UnboundField):
            label = attr.args[0] if attr.args else attr.kwargs.get("label")
            if isinstance(label, str):
                labels[name] = label
    return labels


# --- objects ---------------------------------------------------------------------------


def _quote(q: Quote) -> str:
    return f"Devis {q.number}" if q.number else f"Brouillon de devis « {q.title} »"


NAMERS: dict[str, Callable[[object], str]] = {
    "User": lambda u: f"Compte de {u.name}",
    "Organisation": lambda o: o.name,
    "Operation": lambda op: f"Opération « {op.name} »",
    "Market": lambda m: f"Marché {m.reference} – {m.title}",
    "Lot": lambda lot: f"{lot.label} (marché {lot.market.reference})",
    "SubcontractorShare": lambda s: (
        f"Part {org_with_article(s.company, 'de')} – opération « {s.operation.name} »"
    ),
    "PurchaseDeclaration": lambda d: f"Déclaration « {d.title} »",
    "Quote": _quote,
    "Invoice": lambda i: f"Facture {i.number}",
    "Amendment": lambda a: a.reference,
}
PAGES: dict[str, Callable[[object], str]] = {
    "User": lambda u: url_for("admin.user", user_id=u.id),
    "Organisation": lambda o: url_for("organisations.show", org_id=o.id),
    "Operation": lambda op: url_for("markets.operation", operation_id=op.id),
    "Market": lambda m: url_for("markets.market", market_id=m.id),
    "Lot": lambda lot: url_for("markets.lot", lot_id=lot.id),
    "PurchaseDeclaration": lambda d: url_for("census.show", declaration_id=d.id),
    "Quote": lambda q: url_for("quotes.show", quote_id=q.id),
    "Invoice": lambda i: url_for("quotes.show", quote_id=i.quote_id),
}


def _endpoint_page(endpoint: str) -> str:
    """A refused endpoint as the address the user asked for (« la page /admin/comptes »)."""
    rules = [r.rule for r in current_app.url_map.iter_rules() if r.endpoint == endpoint]
    return f"Page {rules[0]}" if rules else "Page inconnue"


# Relations the names read, loaded with their objects.
OPTIONS = {
    "Lot": (joinedload(Lot.market),),
    "Quote": (joinedload(Quote.operation),),
    "SubcontractorShare": (
        joinedload(SubcontractorShare.company),
        joinedload(SubcontractorShare.operation),
    ),
}


def _load(wanted: dict[str, set[int]]) -> dict[tuple[str, int], object]:
    found: dict[tuple[str, int], object] = {}
    for type_name, ids in wanted.items():
        model = MODELS[type_name]
        stmt = scoped(model).where(model.id.in_(ids)).options(*OPTIONS.get(type_name, ()))
        for obj in db.session.scalars(stmt):
            found[(type_name, obj.id)] = obj
    return found


def _parse(detail: str) -> list[tuple[str, str]]:
    """ "fields=a,b new=3" → [("fields", "a,b"), ("new", "3")]; "a->b" → [("->", "a->b")]."""
    pairs = []
    for token in detail.split():
        if "=" in token:
            key, _, value = token.partition("=")
            pairs.append((key, value))
        elif "->" in token:
            pairs.append(("->", token))
        else:
            pairs.append(("", token))
    return pairs


def _id(value: str) -> int | None:
    """An id written in an audit line's detail (ASCII digits only: « ² » is no id)."""
    return parse_int(value, maximum=999_999_999_999)


# --- details ---------------------------------------------------------------------------


def _detail(event: AuditEvent, found: dict) -> str:
    parts = []
    for key, value in _parse(event.detail or ""):
        parts.append(_detail_part(event, key, value, found))
    return " ; ".join(p for p in parts if p)


def _named(type_name: str, value: str, found: dict) -> str:
    obj = found.get((type_name, _id(value) or 0))
    return NAMERS[type_name](obj) if obj is not None else f"{GONE[type_name]} (n'existe plus)"


def _detail_part(event: AuditEvent, key: str, value: str, found: dict) -> str:
    if key == "fields":
        labels = field_labels(FORMS[event.object_type]) if event.object_type in FORMS else {}
        names = [labels.get(name, name) for name in value.split(",") if name]
        return "Champs modifiés : " + ", ".join(names)
    if key == "keys":
        return "Champs modifiés : " + ", ".join(PAYEE_FIELDS.get(k, k) for k in value.split(","))
    if key in REFERENCES:
        return _named(REFERENCES[key], value, found)
    if key == "->":
        before, _, after = value.partition("->")
        return f"{_status(event, before)} → {_status(event, after)}"
    if key == "kind":
        return _kind(event, value)
    if key in ("number", "page", "rows", "planned", "previous", "via", "decision", "basis"):
        return _simple(event, key, value)
    if key == "nature":
        return f"Nature : {PurchaseNature(value).label}" if value in set(PurchaseNature) else value
    if key == "" and value == "inactive":
        return "Compte désactivé"
    return f"{key} : {value}" if key else value


def _status(event: AuditEvent, value: str) -> str:
    machine = {"Operation": "operation", "PurchaseDeclaration": "declaration"}.get(
        event.object_type
    )
    try:
        return status_label(machine, value) if machine else value
    except (KeyError, ValueError):
        return value


def _kind(event: AuditEvent, value: str) -> str:
    if event.object_type == "Quote" and value in set(QuoteKind):
        return QuoteKind(value).label
    if event.object_type == "Organisation" and value in set(OrgKind):
        return OrgKind(value).label
    return value


def _simple(event: AuditEvent, key: str, value: str) -> str:
    if key == "number":
        return f"Numéro {value}"
    if key == "page":
        return f"Page {value}"
    if key == "rows":
        n = _id(value) or 0
        return f"{n} ligne" if n < 2 else f"{n} lignes"
    if key == "planned":
        return f"Heures prévues : {hours(_id(value))}" if _id(value) is not None else ""
    if key == "previous":
        if event.object_type == "PurchaseDeclaration":
            return f"Avis précédent : {_status(event, value)}"
        if value in ("None", ""):
            return "Aucune heure prévue auparavant"
        return f"Auparavant : {hours(_id(value))}" if _id(value) is not None else ""
    if key == "via":
        return VIA.get(value, value).capitalize()
    if key == "decision":
        return f"Avis : {DECISIONS.get(value, value)}"
    if key == "basis":
        return f"Fondement : {LegalBasis(value).label}" if value in set(LegalBasis) else value
    return value


# --- the page ---------------------------------------------------------------------------


def describe(events: Iterable[AuditEvent]) -> dict[int, Described]:
    """Event id → its object and detail in French, for one page of the trail."""
    events = list(events)
    wanted: dict[str, set[int]] = defaultdict(set)
    for event in events:
        if event.object_type in MODELS and _id(event.object_id) is not None:
            wanted[event.object_type].add(_id(event.object_id))
        for key, value in _parse(event.detail or ""):
            if key in REFERENCES and _id(value) is not None:
                wanted[REFERENCES[key]].add(_id(value))
    found = _load(wanted)
    described = {}
    for event in events:
        text, url = _object(event, found)
        described[event.id] = Described(text, url, _detail(event, found))
    return described


def _object(event: AuditEvent, found: dict) -> tuple[str, str | None]:
    kind = event.object_type
    if kind == "endpoint":
        return _endpoint_page(event.object_id), None
    if kind == "export":
        return f"Export {event.object_id.upper()} des lots", None
    if kind == "Setting":
        return "Coordonnées de facturation", url_for("admin.billing_settings")
    if kind not in MODELS:
        return "", None
    obj = found.get((kind, _id(event.object_id) or 0))
    if obj is None:
        return f"{GONE[kind]} (n'existe plus)", None
    page = PAGES.get(kind)
    return NAMERS[kind](obj), page(obj) if page else None
