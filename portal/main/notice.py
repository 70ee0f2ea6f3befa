"""The information notice for the people proposed on a lot (RGPD art. 13 and 14): what
is kept about them, why, how long, who sees it, their rights and whom to write to. The
AMOI and the declarers (companies, structures) print it and hand it to the person when
they propose them (docs/gdpr-record.md §9). Plain French, one text for the page and the
PDF (``templates/main/_people_notice.html``)."""

from __future__ import annotations

from flask import current_app, render_template

from portal.access import Role, allow
from portal.convention.payee import payee_block
from portal.documents.pdf import pdf_response, render_pdf
from portal.main import bp
from portal.main.legal import _operator

DECLARERS = (Role.FACILITATOR, Role.COMPANY, Role.STRUCTURE)


def _context() -> dict:
    return {
        "operator": _operator(),
        "retention_years": current_app.config["PEOPLE_RETENTION_YEARS"],
    }


@bp.route("/information-des-personnes")
@allow(*DECLARERS)
def people_notice():
    return render_template("main/people_notice.html", **_context())


@bp.route("/information-des-personnes.pdf")
@allow(*DECLARERS)
def people_notice_pdf():
    data = render_pdf("pdf/people_notice.html", payee=payee_block(), **_context())
    return pdf_response(data, "information-donnees-personnelles.pdf")
