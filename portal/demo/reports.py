"""Loads the demonstration reports (docs/domain.md §9): for the 2025 census's voie verte
(2025-CCVG-006, whose long placements worked every month since December 2025), the annual
report 2025 delivered on 20 January 2026 (its figures frozen) and the annual report 2026
as a draft with the AMOI's first notes. Made through the reports' services, without
e-mail. The caller commits."""

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
    return {"reports": 2}
