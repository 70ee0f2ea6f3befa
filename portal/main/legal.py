"""The public pages every footer links to (issue 8): legal notice (*mentions légales*,
LCEN art. 6 III), accessibility statement (RGAA 4.1, loi n° 2005-102 art. 47) and personal
data (RGPD art. 12 to 14). Readable without an account."""

from __future__ import annotations

from datetime import date

from flask import current_app, render_template

from portal.access import public
from portal.convention.payee import payee_block
from portal.main import bp

STATEMENT_DATE = date(2026, 12, 2)
"""When the accessibility statement was written; change it with the statement (RGAA
asks for the date of the statement and of the evaluation it rests on)."""


def _operator() -> dict[str, str | None]:
    """Who publishes and runs the instance: the payee block an AMOI admin entered, and the
    ``LEGAL_*`` settings (portal/config.py)."""
    payee = payee_block()
    config = current_app.config
    siret = payee.get("payee_siret", "")
    if len(siret) == 14:
        siret = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    return {
        "name": payee.get("payee_name") or None,
        "address": payee.get("payee_address") or None,
        "siret": siret or None,
        "director": config.get("LEGAL_PUBLICATION_DIRECTOR"),
        "host": config.get("LEGAL_HOST"),
        "contact": config.get("LEGAL_CONTACT"),
        "dpo": config.get("LEGAL_DPO"),
    }


@bp.route("/mentions-legales")
@public
def legal_notice():
    return render_template("main/legal_notice.html", operator=_operator())


@bp.route("/accessibilite")
@public
def accessibility():
    return render_template(
        "main/accessibility.html", operator=_operator(), statement_date=STATEMENT_DATE
    )


@bp.route("/donnees-personnelles")
@public
def personal_data():
    config = current_app.config
    return render_template(
        "main/personal_data.html",
        operator=_operator(),
        idle=int(config["SESSION_IDLE_TIMEOUT"].total_seconds() // 60),
        lifetime=int(config["SESSION_ABSOLUTE_LIFETIME"].total_seconds() // 3600),
        link_days=config["ACCOUNT_LINK_LIFETIME"].days,
        retention_years=config["PEOPLE_RETENTION_YEARS"],
    )
