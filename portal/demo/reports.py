"""Loads the demonstration reports (docs/domain.md §9): for the 2025 census's voie verte
(2025-CCVG-006, whose long placements worked every month since December 2025), the annual
report 2025 delivered on 20 January 2026 (its figures frozen) and the annual report 2026
as a draft with the AMOI's first notes; for the reserved market 2026-VOU-002, its SIAE's
commitments of support, their actions and its annual report 2026 delivered (docs/domain.md
§9.1). Made through the reports' services, without e-mail. The caller commits."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from portal.extensions import db
from portal.models import Market, Operation, User
from portal.reports import services

DEMO_REFERENCE = "2025-CCVG-006"


def seed_reports(amoi: User) -> dict[str, int]:
    """One delivered report (2025) and one draft (2026); nothing without the operation."""
    operation = db.session.scalar(
        select(Operation)
        .join(Market, Market.operation_id == Operation.id)
        .where(Market.reference == DEMO_REFERENCE)
    )
    if operation is None:
        return {"reports": 0}
    delivered = services.open_draft(operation, 2025, amoi)
    services.save_text(
        delivered,
        amoi,
        {
            "pathways": "Deux personnes éloignées de l'emploi sont entrées en décembre 2025 : "
            "un CDDI à l'atelier chantier d'insertion, un contrat de professionnalisation "
            "avec le GEIQ.",
            "company_relation": "Titulaire attentif, tuteur désigné dès l'embauche.",
            "actions": "Entretiens de suivi mensuels, point tripartite en janvier 2026.",
        },
    )
    services.deliver(
        delivered, amoi, date(2026, 1, 20), datetime(2026, 1, 20, 9, tzinfo=UTC), notify=False
    )
    draft = services.open_draft(operation, 2026, amoi)
    services.save_text(
        draft,
        amoi,
        {"pathways": "Parcours en cours : bilan à compléter en fin d'année.", "actions": ""},
    )
    return {"reports": 2 + seed_reserved_report(amoi)}


RESERVED_REFERENCE = "2026-VOU-002"
"""The demo's reserved market (Vourles' green spaces, reserved to SIAE, notified 27 February
2026), whose SIAE's commitments and actions feed its annual report (docs/domain.md §9.1)."""

COMMITMENTS = (
    ("Entretiens individuels de suivi", "followup_interviews", "24", "entretiens"),
    ("Formation aux gestes et postures", "training", "35", "heures"),
    ("Immersions en entreprise du paysage", "immersion", "4", "immersions"),
)
ACTIONS = (
    (0, date(2026, 4, 14), "6", 3, "Entretiens d'accueil des trois salariés en insertion"),
    (0, date(2026, 7, 9), "6", 3, "Points d'étape à trois mois"),
    (0, date(2026, 10, 13), "5", 3, "Points d'étape à six mois"),
    (1, date(2026, 5, 20), "21", 3, "Formation PRAP, trois journées"),
    (1, date(2026, 9, 16), "14", 2, "Formation taille et débroussaillage en sécurité"),
    (2, date(2026, 11, 5), "2", 2, "Immersions chez deux paysagistes de Vourles"),
)


def seed_reserved_report(amoi: User) -> int:
    """The reserved market's commitments of support and actions, and its annual report
    2026 delivered on 3 December 2026 (which invoices its first year when the quote is
    approved); nothing without the market. Returns the number of reports made."""
    from decimal import Decimal

    from portal.reports import reserved, support

    market = db.session.scalar(select(Market).where(Market.reference == RESERVED_REFERENCE))
    holders = support.holders(market) if market is not None else []
    if market is None or not holders:
        return 0
    commitments = [
        support.add_commitment(
            market,
            amoi,
            {
                "organisation_id": holders[0].id,
                "label": label,
                "kind": kind,
                "target": Decimal(target),
                "unit": unit,
                "note": "Mémoire technique de l'offre",
            },
        )
        for label, kind, target, unit in COMMITMENTS
    ]
    for index, day, quantity, people, description in ACTIONS:
        support.record_action(
            commitments[index],
            amoi,
            {
                "day": day,
                "quantity": Decimal(quantity),
                "people": people,
                "description": description,
            },
            date(2026, 12, 3),
        )
    report = reserved.open_draft(market, 2026, amoi)
    services.save_text(
        report,
        amoi,
        {
            "pathways": "Trois salariés en parcours sur le chantier d'insertion ; une sortie "
            "en emploi de transition attendue au printemps.",
            "company_relation": "Encadrant technique présent à chaque point d'étape.",
            "actions": "Entretiens trimestriels tenus, formation PRAP suivie par toute "
            "l'équipe ; les immersions restent à compléter.",
        },
    )
    reserved.deliver(
        report, amoi, date(2026, 12, 3), datetime(2026, 12, 3, 9, tzinfo=UTC), notify=False
    )
    return 1
