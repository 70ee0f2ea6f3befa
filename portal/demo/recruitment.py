"""Demonstration pre-recruitment (issue 13): three offers in different states on the demo
lots, two prescriber organisations' candidates at every stage, one information session.
Made through the area's services, as a user would; every person is fictitious."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from portal.demo.people import _hours_lots
from portal.extensions import db
from portal.models import Organisation, User
from portal.recruitment import services

OFFERS = (
    {
        "title": "Maçon ou maçonne VRD",
        "trade_label": "Maçon / Maçonne",
        "rome_code": "F1703",
        "posts": 2,
        "contract_type": "cdd",
        "weekly_hours": Decimal("35"),
        "start_on": date(2027, 1, 11),
        "place": "Brignais, chantier du groupe scolaire",
        "requirements": "Port des EPI ; permis B apprécié.",
        "clause_hours": Decimal("700"),
    },
    {
        "title": "Agent ou agente d'entretien des espaces verts",
        "trade_label": "Jardinier / Jardinière d'espaces verts",
        "rome_code": "A1203",
        "posts": 2,
        "contract_type": "cdd",
        "weekly_hours": Decimal("35"),
        "start_on": date(2026, 10, 5),
        "place": "Chaponost",
        "requirements": "",
        "clause_hours": Decimal("500"),
    },
    {
        "title": "Aide électricien ou électricienne",
        "trade_label": "Électricien / Électricienne du bâtiment",
        "rome_code": "F1602",
        "posts": 1,
        "contract_type": "interim",
        "weekly_hours": Decimal("35"),
        "start_on": date(2027, 2, 1),
        "place": "Vourles",
        "requirements": "Habilitation électrique souhaitée (formation possible).",
        "clause_hours": Decimal("300"),
    },
)
"""Open, filled, draft (in that order)."""

NAMES = (
    ("Exemple", "Yasmine", "F"),
    ("Fictif", "Kevin", "M"),
    ("Démo", "Élodie", "F"),
    ("Essai", "Moussa", "M"),
    ("Modèle", "Sabrina", "F"),
    ("Témoin", "Dylan", "M"),
    ("Maquette", "Nadia", "F"),
    ("Prototype", "Jordan", "M"),
    ("Exemple", "Samia", "F"),
    ("Fictif", "Mathis", "M"),
    ("Démo", "Océane", "F"),
    ("Essai", "Bryan", "M"),
    ("Modèle", "Aïcha", "F"),
    ("Témoin", "Enzo", "M"),
    ("Maquette", "Manon", "F"),
)
"""Fictitious candidates (demonstration)."""

STAGES_OPEN = (
    "received", "received", "received", "preselected", "preselected", "preselected",
    "presented", "presented", "not_retained", "company_not_retained",
)  # fmt: skip
STAGES_FILLED = ("hired", "hired", "company_not_retained", "not_retained", "hired")


def seed_recruitment(orgs: Mapping[str, Organisation], amoi: User) -> dict[str, int]:
    """The offers, candidates and session; the counts added."""
    lots = _hours_lots()
    prescribers = [orgs.get("ml"), orgs.get("ft")]
    if len(lots) < 3 or None in prescribers:
        return {"offers": 0, "applications": 0}
    users = {
        org.id: db.session.scalars(select(User).where(User.organisation_id == org.id)).first()
        for org in prescribers
    }
    offers = [services.create_offer(amoi, lots[i], OFFERS[i]) for i in range(3)]
    services.change_offer(offers[0], amoi, "open", date(2026, 11, 2))
    services.change_offer(offers[1], amoi, "open", date(2026, 9, 1))
    services.diffuse(offers[0], amoi, [*prescribers, orgs["geiq"]], b"%PDF-1.4 (demo)")
    n = 0
    made = []
    for offer, stages in ((offers[0], STAGES_OPEN), (offers[1], STAGES_FILLED)):
        for stage in stages:
            last, first, sex = NAMES[n % len(NAMES)]
            prescriber = prescribers[n % 2]
            candidate = services.Candidate(
                last_name=last,
                first_name=first,
                birth_date=date(1985 + n, 1 + n % 12, 3 + n),
                sex=sex,
                commune=("Givors", "Brignais", "Grigny")[n % 3],
                postal_code=("69700", "69530", "69520")[n % 3],
                qpv_resident=n % 2 == 0,
                qualification="level_3" if n % 3 else "none",
                criteria=("rsa",) if n % 2 else ("long_term_jobseeker",),
                referent_name=("Claire Référente", "Marc Conseiller")[n % 2],
                referent_email=("referente@ml-demo.example", "conseiller@ft-demo.example")[n % 2],
            )
            application = services.propose(offer, users[prescriber.id], prescriber, candidate)
            _advance(application, stage, amoi, offer)
            made.append(application)
            n += 1
    services.change_offer(offers[1], amoi, "fill", date(2026, 10, 2))
    received = [a for a in made if a.offer_id == offers[0].id and a.status == "received"]
    info = services.create_session(
        amoi,
        held_on=date(2026, 12, 8),
        starts_at="09:30",
        place="Maison de l'emploi, Brignais",
        note="Présentation du chantier et des postes ; visite possible.",
        offers=[offers[0]],
        applications=received,
    )
    services.record_attendance(info, amoi, {info.invites[0].id, info.invites[1].id})
    db.session.flush()
    return {"offers": len(offers), "applications": len(made)}


def _advance(application, stage: str, amoi: User, offer) -> None:
    if stage == "received":
        return
    if stage == "not_retained":
        services.reject(application, amoi, reason="profile", detail="")
        return
    services.preselect(
        application, amoi, interview_on=date(2026, 11, 20), outcome="Motivé, disponible."
    )
    if stage == "preselected":
        return
    services.present(application, amoi, note="Expérience en chantier, ponctuel à l'entretien.")
    if stage == "hired":
        company = db.session.scalars(
            select(User).where(User.organisation_id == offer.lot.holder_id)
        ).first()
        services.retain(application, company or amoi, date(2026, 9, 20))
    elif stage == "company_not_retained":
        services.reject(application, amoi, reason="posts_filled", detail="")
