"""Numbered documents that print only what was true when they were issued: invoices today
(docs/domain.md §4.3), letters and reports tomorrow.

Issuing and printing are two steps that never mix:

1. :func:`issue` takes the next gapless number of the document's series (in the caller's
   transaction, :mod:`portal.documents.numbering`) and freezes who the document is from
   — the payee block as an AMOI admin keeps it today — and to whom — the recipient's
   name, address and SIRET today. The caller stores this :class:`Issue` with the facts of
   its own (amounts, mentions): in columns (``Invoice``) or as JSON (:meth:`Issue.to_json`);
2. a :class:`DocumentKind` draws the PDF from the stored record only, however often and
   however late it is downloaded: a later change of the settings, of an organisation or
   of the quote never changes an issued document.

The services call :func:`issue` (they leave the commit to their caller); the views call
:meth:`DocumentKind.download`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Response
from jinja2 import Template

from portal.convention.payee import payee_block
from portal.documents.numbering import next_number
from portal.documents.pdf import pdf_response, render_pdf


@dataclass(frozen=True)
class Party:
    """Who a document is from or to, as on the day it was issued."""

    name: str
    address: str = ""
    siret: str = ""
    vat_number: str = ""

    @classmethod
    def of(cls, organisation, *, siret: str | None = None) -> Party:
        """An organisation as it is now; ``siret`` replaces its own (the SIRET Chorus Pro
        knows the CCVG by, recorded on a quote)."""
        return cls(
            name=organisation.name,
            address=organisation.address or "",
            siret=siret or organisation.siret or "",
        )

    @classmethod
    def from_payee(cls, payee: Mapping[str, str]) -> Party:
        """The issuer a payee block describes (``portal.convention.payee``)."""
        return cls(
            name=payee.get("payee_name", ""),
            address=payee.get("payee_address", ""),
            siret=payee.get("payee_siret", ""),
            vat_number=payee.get("payee_vat_number", ""),
        )

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]


@dataclass(frozen=True)
class Issue:
    """What issuing a numbered document fixes: its number and date, the payee block (the
    issuer's identity, VAT situation and bank details) and the recipient."""

    number: str
    issued_on: date
    recipient: Party
    payee: Mapping[str, str] = field(default_factory=dict)

    @property
    def issuer(self) -> Party:
        return Party.from_payee(self.payee)

    @property
    def year(self) -> int:
        return self.issued_on.year

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe copy, for a document stored in one JSON column (letters, reports)."""
        return {
            "number": self.number,
            "issued_on": self.issued_on.isoformat(),
            "recipient": vars(self.recipient).copy(),
            "payee": dict(self.payee),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Issue:
        return cls(
            number=data["number"],
            issued_on=date.fromisoformat(data["issued_on"]),
            recipient=Party(**data["recipient"]),
            payee=dict(data.get("payee") or {}),
        )


def issue(series: str, issued_on: date, recipient: Party) -> Issue:
    """Number a document of ``series`` (``FAC-2026-0012``, gapless per year, inside the
    caller's transaction: a rollback gives the number back) and freeze its issuer (the
    payee block as it is now, copied) and its recipient. The caller stores the result
    and commits."""
    return Issue(
        number=next_number(series, issued_on.year),
        issued_on=issued_on,
        recipient=recipient,
        payee=dict(payee_block()),
    )


@dataclass(frozen=True)
class DocumentKind:
    """How one kind of numbered document is drawn from its stored record: its numbering
    ``series``, its ``template`` (``templates/pdf/``), the template's ``context`` built from
    the record's frozen facts only, its download ``filename``, and an optional ``finish``
    step on the PDF's bytes (an invoice becomes a Factur-X invoice)."""

    series: str
    template: str | Template
    context: Callable[[Any], Mapping[str, object]]
    filename: Callable[[Any], str]
    finish: Callable[[Any, bytes], bytes] | None = None

    def render(self, record) -> bytes:
        """The record's PDF, drawn from what was frozen on it."""
        data = render_pdf(self.template, **self.context(record))
        return self.finish(record, data) if self.finish else data

    def download(self, record) -> Response:
        """The record's PDF as a private attachment (never cached)."""
        return pdf_response(self.render(record), self.filename(record))
