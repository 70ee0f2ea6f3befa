"""People, candidacies, eligibility decisions, placements and monthly hour statements of the
benchmark dataset (``tests.benchmarks.dataset``; issue 12), inserted in bulk.

What the reports read at department scale (docs/domain.md §5, §6, §7 and §9): ``shape.people``
people with their typology (sex, birth date and year, qualification, commune and postal
code, QPV); one candidacy each, more than half of them a second one on another lot and some
a third (the same person on several lots: a pathway goes on with another contract); criteria codes (health data among them); the AMOI's decisions under
the default harmonisation rules or under a version of 1 September 2025 with an 18-month CDI
cap; placements with the modalities and contracts of §6, employed by the lot's holder
(direct hire) or by a structure of the right kind, ended ones with their exit situation and
category (``rules.reporting.exit_category``) and, six months later, the follow-up; then one
statement per employer × month from January 2024 to November 2026 with its lines (one per
placement × month, a CDI only within its countable months), about ``shape.hour_lines`` in
all: mostly validated, the last months submitted or in draft, some in the refusal workflow,
some lines refused or overturned by the buyer.

The reference day is fixed (``REFERENCE_DAY``), not the clock: the dataset is the same
whenever it is built. Statements are written month by month, so memory stays small.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from portal.extensions import db
from portal.models import (
    Candidacy,
    CandidacyCriterion,
    EligibilityDecision,
    EligibilityRules,
    HourLine,
    HourStatement,
    Lot,
    Market,
    Operation,
    Organisation,
    OrgKind,
    Participant,
    Placement,
    PlacementEvent,
)
from portal.rules.deadlines import add_months, first_of_month
from portal.rules.eligibility import (
    CRITERIA,
    DEFAULT_RULES,
    HarmonisationRules,
    countable_hours,
    eligible_until,
    identity_key,
)
from portal.rules.reporting import ExitFacts, age_band, exit_category
from tests.benchmarks.dataset import at, bulk

REFERENCE_DAY = date(2026, 12, 3)
"""« Today » for the dataset: placements end before it, follow-ups fall due before it."""
FIRST_MONTH, LAST_MONTH = date(2024, 1, 1), date(2026, 11, 1)
"""The months that have statements (the last one is due on 10 December 2026)."""
NEW_RULES = HarmonisationRules(effective_from=date(2025, 9, 1), cdi_cap_months=18)
"""A version of the harmonisation rules recorded by the AMOI: decisions from that day apply
it (the CDI counts 18 months instead of 12)."""

SURNAMES = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefèvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Mathieu",
]
FIRST_NAMES = {
    "F": [
        "Camille",
        "Léa",
        "Manon",
        "Chloé",
        "Inès",
        "Jade",
        "Louise",
        "Emma",
        "Lina",
        "Zoé",
        "Sarah",
        "Nora",
        "Océane",
        "Aïcha",
    ],
    "M": [
        "Hugo",
        "Lucas",
        "Nathan",
        "Enzo",
        "Louis",
        "Gabriel",
        "Adam",
        "Arthur",
        "Raphaël",
        "Jules",
        "Yanis",
        "Karim",
        "Théo",
    ],
}
COMMUNES = (  # commune, postal code, share of its people living in a QPV
    ("Brignais", "69530", 0.10),
    ("Chaponost", "69630", 0.05),
    ("Vourles", "69390", 0.0),
    ("Millery", "69390", 0.0),
    ("Montagny", "69700", 0.0),
    ("Givors", "69700", 0.45),
    ("Grigny", "69520", 0.35),
    ("Vénissieux", "69200", 0.60),
    ("Oullins-Pierre-Bénite", "69600", 0.25),
    ("Lyon", "69008", 0.30),
)
QUALIFICATIONS = (("none", 35), ("level_3", 35), ("level_4", 18), ("level_5", 8))
QUALIFICATIONS += (("level_6_plus", 4),)
CRITERIA_WEIGHTS = {
    "long_term_jobseeker": 30,
    "rsa": 25,
    "minimum_income": 6,
    "disabled_worker": 6,
    "young_low_qualified": 14,
    "senior_jobseeker": 6,
    "structure_employee": 5,
    "epide_e2c": 1,
    "plie": 3,
    "qpv_resident": 3,
    "derogation": 1,
}
# modality → (structure kinds that employ, contract types with weights)
MODALITIES = {
    "direct_hire": ((), {"cdd": 45, "cdi": 12, "professionalisation": 12, "apprenticeship": 6}),
    "temp_insertion": (("ETTI", "EITI"), {"interim": 1}),
    "intermediary_association": (("AI",), {"ai_mission": 1}),
    "geiq": (("GEIQ",), {"professionalisation": 4, "apprenticeship": 1}),
    "subcontracting": (("EI", "ACI"), {"cddi": 1}),
    "cocontracting": (("EI", "ACI"), {"cddi": 1}),
}
MODALITY_WEIGHTS = {
    "direct_hire": 34,
    "temp_insertion": 30,
    "intermediary_association": 8,
    "geiq": 10,
    "subcontracting": 12,
    "cocontracting": 6,
}
EXITS = {  # exit kind → weight at the end of the contract
    "cdi": 12,
    "cdd": 18,
    "temp_mission": 14,
    "civil_service": 1,
    "business_creation": 1,
    "subsidised_contract": 5,
    "qualifying_training": 8,
    "siae_hire": 6,
    "job_seeking": 22,
    "inactive": 3,
    "no_news": 6,
    "moved": 2,
    "long_illness": 1,
    "death": 1,
}
REFERENTS = (
    ("france_travail", "France Travail"),
    ("mission_locale", "Mission locale Rhône Sud"),
    ("plie", "PLIE Sud-Ouest lyonnais"),
    ("siae", "Structure d'insertion"),
    ("cap_emploi", "Cap emploi 69"),
)
JOBS = ("Manœuvre", "Aide-maçon", "Ouvrier polyvalent", "Agent d'entretien", "Peintre")
WEEKLY = ((Decimal(35), 70), (Decimal(28), 10), (Decimal(24), 10), (Decimal(20), 10))
DURATION_MONTHS = (7, 23)
"""Planned length of a contract, drawn uniformly (months; under the 24 months of
eligibility): with 30,000 people it gives about 500,000 hour lines over January 2024 –
November 2026 (``Shape.hour_lines`` rescales it)."""
SECOND_LOT, THIRD_LOT = 0.55, 0.35
"""Share of the people proposed again on another lot (a pathway goes on with another
contract), and of those, proposed a third time."""
LINES_PER_PERSON = 16.8
"""Hour lines per person the default durations give (measured on the full dataset), to
rescale them to ``Shape.hour_lines``."""


def _pick(rng: random.Random, weights: dict | tuple) -> str:
    items = weights.items() if isinstance(weights, dict) else weights
    keys, values = zip(*items, strict=True)
    return rng.choices(keys, values)[0]


@dataclass
class _Lot:
    id: int
    holder_id: int
    reserved: bool
    planned_hours: int | None
    start: date
    end: date


@dataclass
class _Hire:
    """A placement as the statements need it."""

    id: int
    employer_id: int
    contract_type: str
    start: date
    last_day: date  # ended_on or planned end
    weekly: Decimal
    cdi_cap: int | None


def _lots() -> list[_Lot]:
    """The lots running at some point between January 2024 and November 2026."""
    rows = db.session.execute(
        select(
            Lot.id,
            Lot.holder_id,
            Market.legal_basis,
            Lot.planned_hours,
            Lot.start_date,
            Lot.end_date,
        )
        .join(Market, Lot.market_id == Market.id)
        .order_by(Lot.id)
    ).all()
    lots = [
        _Lot(id_, holder, basis.startswith("reserved"), hours, start, end)
        for id_, holder, basis, hours, start, end in rows
        if start and end and start <= LAST_MONTH and end >= FIRST_MONTH
    ]
    return lots or [  # a tiny shape may have none in the window: take them all
        _Lot(i, h, b.startswith("reserved"), p, s or FIRST_MONTH, e or LAST_MONTH)
        for i, h, b, p, s, e in rows
    ]


def _structures_by_kind() -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    rows = db.session.execute(
        select(Organisation.id, Organisation.structure_kind)
        .where(Organisation.kind == OrgKind.STRUCTURE.value)
        .order_by(Organisation.id)
    )
    for org_id, kind in rows:
        found[kind].append(org_id)
    return found


def _person(rng: random.Random, n: int, entry: date) -> dict:
    sex = rng.choice("FFMMM")  # building trades: more men
    age = rng.choices((rng.randint(18, 25), rng.randint(26, 49), rng.randint(50, 62)), (3, 5, 2))[0]
    birth = entry - timedelta(days=365 * age + rng.randrange(365))
    commune, postal, qpv = rng.choice(COMMUNES)
    last, first = rng.choice(SURNAMES), rng.choice(FIRST_NAMES[sex])
    anonymised = rng.random() < 0.02  # a few people past their retention period
    return {
        "last_name": "" if anonymised else last,
        "first_name": "" if anonymised else first,
        "birth_date": None if anonymised else birth,
        "match_key": None if anonymised else f"{identity_key(last, first, birth)}#{n}",
        "notes": "",
        "sex": sex,
        "birth_year": birth.year,
        "qualification": _pick(rng, QUALIFICATIONS),
        "commune": commune,
        "postal_code": postal,
        "qpv_resident": rng.random() < qpv,
        "amoi_referent_id": None,  # filled by the caller
        "anonymised_at": at(REFERENCE_DAY - timedelta(days=30)) if anonymised else None,
        "version": 1,
        "_birth": birth,
    }


def _employer(rng: random.Random, lot: _Lot, modality: str, structures: dict) -> int:
    kinds = MODALITIES[modality][0]
    if not kinds:
        return lot.holder_id
    candidates = [org for kind in kinds for org in structures.get(kind, [])]
    return rng.choice(candidates or [org for orgs in structures.values() for org in orgs])


def _candidacy(rng, person_id, birth, lot: _Lot, structures, scale) -> dict:
    """A candidacy on ``lot``: its modality, contract and dates (planned start within the
    lot's period and the statements' window)."""
    if lot.reserved:  # the structure holding a reserved lot employs its own people
        modality, contract = "direct_hire", "cddi"
    else:
        modality = _pick(rng, MODALITY_WEIGHTS)
        contract = _pick(rng, MODALITIES[modality][1])
    declarer = _employer(rng, lot, modality, structures) if structures else lot.holder_id
    earliest = max(lot.start, date(2023, 9, 1))
    latest = max(earliest, min(lot.end, LAST_MONTH))
    start = earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))
    months = min(23, max(1, round(rng.randint(*DURATION_MONTHS) * scale)))
    kind, org = rng.choice(REFERENTS)
    return {
        "participant_id": person_id,
        "lot_id": lot.id,
        "declarer_id": declarer,
        "submitted_by_id": None,
        "entered_by_amoi": rng.random() < 0.1,
        "status": "pending",
        "submitted_at": at(start - timedelta(days=21), 9),
        "modality": modality,
        "contract_type": contract,
        "planned_start": start,
        "weekly_hours": _pick(rng, WEEKLY),
        "job_title": rng.choice(JOBS),
        "referent_kind": kind,
        "referent_organisation": org,
        "referent_name": "",
        "age_band": age_band(birth, start).value,
        "withdrawal_reason": "",
        "matched_existing": False,
        "version": 1,
        "_months": months,
        "_lot": lot,
    }


def build_people(shape, rng: random.Random, parties: dict) -> dict:
    """People, candidacies, criteria, decisions, placements and their events; then the
    statements (``build_statements``). Counts of what was inserted."""
    started = time.perf_counter()
    amoi = parties["amoi_user"]
    rules_id = bulk(
        EligibilityRules,
        [
            {
                "effective_from": NEW_RULES.effective_from,
                "criteria": NEW_RULES.to_data()["criteria"],
                "proof_max_age_months": NEW_RULES.proof_max_age_months,
                "eligibility_months": NEW_RULES.eligibility_months,
                "cdi_cap_months": NEW_RULES.cdi_cap_months,
                "note": "Plafond CDI porté à 18 mois (banc d'essai).",
                "created_by_id": amoi,
            }
        ],
    )[0]
    lots = _lots()
    structures = _structures_by_kind()
    scale = (shape.hour_lines / max(shape.people, 1)) / LINES_PER_PERSON
    counts = defaultdict(int)
    hires: list[_Hire] = []
    chunk = 5000
    for first in range(0, shape.people, chunk):
        size = min(chunk, shape.people - first)
        people = []
        for n in range(first, first + size):
            lot = rng.choice(lots)
            people.append(_person(rng, n, max(lot.start, date(2023, 9, 1))))
        births = [row.pop("_birth") for row in people]
        for row in people:
            row["amoi_referent_id"] = amoi
        person_ids = bulk(Participant, people)
        counts["people"] += len(person_ids)
        candidacies = []
        for pid, birth in zip(person_ids, births, strict=True):
            candidacies.append(_candidacy(rng, pid, birth, rng.choice(lots), structures, scale))
            again = 0
            if rng.random() < SECOND_LOT:  # the same person proposed again, on another lot
                again = 2 if rng.random() < THIRD_LOT else 1
            for _ in range(again):
                later = _candidacy(rng, pid, birth, rng.choice(lots), structures, scale)
                later["matched_existing"] = True
                candidacies.append(later)
        hires += _files(rng, candidacies, amoi, rules_id, counts)
        db.session.commit()
        print(
            f"    {first + size} people, {counts['placements']} placements "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    counts["hour_statements"], counts["hour_lines"] = build_statements(hires, rng, amoi)
    return dict(counts)


def _files(rng, candidacies: list[dict], amoi: int, rules_id: int, counts) -> list[_Hire]:
    """Statuses, criteria, decisions, placements and events of ``candidacies``."""
    for row in candidacies:
        roll = rng.random()
        start = row["planned_start"]
        if start > REFERENCE_DAY - timedelta(days=30) and roll < 0.5:
            row["status"] = "pending"  # proposed lately, not decided yet
        elif roll < 0.04:
            row["status"] = "pending"
        elif roll < 0.08:
            row["status"] = "ineligible"
        elif roll < 0.10:
            row["status"] = "withdrawn"
            row["withdrawal_reason"] = "La personne a trouvé un autre emploi."
        elif roll < 0.12:
            row["status"] = "eligible"  # decided, start not confirmed yet
        else:
            row["status"] = "hired"
    extras = [(row.pop("_months"), row.pop("_lot")) for row in candidacies]
    ids = bulk(Candidacy, candidacies)
    counts["candidacies"] += len(ids)
    criteria, decisions, decided = [], [], []
    for cid, row in zip(ids, candidacies, strict=True):
        codes = {_pick(rng, CRITERIA_WEIGHTS) for _ in range(rng.choice((1, 1, 1, 2)))}
        judged = row["status"] != "pending"
        decided_on = row["planned_start"] - timedelta(days=rng.randint(3, 15))
        for code in sorted(codes):
            criteria.append(
                {
                    "candidacy_id": cid,
                    "code": code,
                    "proof_type": CRITERIA[code].proof,
                    "proof_date": decided_on - timedelta(days=rng.randint(5, 60)),
                    "proof_seen": CRITERIA[code].health_data,
                    "retained": (row["status"] != "ineligible") if judged else None,
                    "checked_by_id": amoi if judged else None,
                    "checked_at": at(decided_on) if judged else None,
                }
            )
        if not judged:
            continue
        rules = NEW_RULES if decided_on >= NEW_RULES.effective_from else DEFAULT_RULES
        eligible = row["status"] != "ineligible"
        decisions.append(
            {
                "candidacy_id": cid,
                "participant_id": row["participant_id"],
                "eligible": eligible,
                "decided_on": decided_on,
                "decided_by_id": amoi,
                "eligible_from": decided_on if eligible else None,
                "eligible_until": eligible_until(decided_on) if eligible else None,
                "countable_hours": None,
                "criteria_codes": sorted(codes) if eligible else [],
                "rules_id": rules_id if rules is NEW_RULES else None,
                "rules_applied": rules.to_data(),
                "reason": "" if eligible else "Justificatif de plus de trois mois.",
            }
        )
        decided.append((cid, row, rules))
    extra_of = dict(zip(ids, extras, strict=True))
    for decision in decisions:
        months, lot = extra_of[decision["candidacy_id"]]
        if decision["eligible"]:
            decision["countable_hours"] = Decimal(lot.planned_hours or 400)
    bulk(CandidacyCriterion, criteria)
    decision_ids = bulk(EligibilityDecision, decisions)
    counts["criteria"] += len(criteria)
    counts["decisions"] += len(decision_ids)
    placements, plans = [], []
    for did, (cid, row, rules) in zip(decision_ids, decided, strict=True):
        if row["status"] != "hired":
            continue
        months, lot = extra_of[cid]
        placement, last_day = _placement(rng, cid, did, row, months, lot)
        placements.append(placement)
        plans.append((row, rules, last_day))
    placement_ids = bulk(Placement, placements)
    counts["placements"] += len(placement_ids)
    counts["placement_events"] += _events(placement_ids, placements, amoi)
    return [
        _Hire(
            pid,
            row["declarer_id"],
            row["contract_type"],
            row["planned_start"],
            last_day,
            row["weekly_hours"],
            rules.cdi_cap_months,
        )
        for pid, (row, rules, last_day) in zip(placement_ids, plans, strict=True)
    ]


def _placement(rng, cid: int, did: int, row: dict, months: int, lot: _Lot) -> tuple[dict, date]:
    start = row["planned_start"]
    planned_end = add_months(start, months) - timedelta(days=1)
    if row["contract_type"] == "cdi":
        planned_end = None
    placement = {
        "candidacy_id": cid,
        "participant_id": row["participant_id"],
        "decision_id": did,
        "lot_id": lot.id,
        "employer_id": row["declarer_id"],
        "status": "active",
        "modality": row["modality"],
        "contract_type": row["contract_type"],
        "start_date": start,
        "planned_end": planned_end,
        "weekly_hours": row["weekly_hours"],
        "ended_on": None,
        "break_kind": None,
        "exit_kind": None,
        "exit_duration_months": None,
        "exit_category": None,
        "followup_due_on": None,
        "followup_kind": None,
        "followup_duration_months": None,
        "followup_category": None,
        "followup_recorded_on": None,
        "break_reason": "",
        "version": 1,
    }
    end = planned_end or add_months(start, months * 2)  # a CDI may end too (resignation)
    broken = rng.random() < 0.08
    if broken:
        end = start + timedelta(days=rng.randint(20, max(21, (end - start).days)))
    if end >= REFERENCE_DAY:
        return placement, planned_end or REFERENCE_DAY
    placement["status"] = "broken" if broken else "ended"
    placement["ended_on"] = end
    if broken:
        placement["break_kind"] = rng.choice(("rupture", "abandon"))
        placement["break_reason"] = "Rupture à l'initiative du salarié."
    kind = _pick(rng, EXITS)
    duration = rng.randint(1, 12) if kind in ("cdd", "temp_mission") else None
    placement["exit_kind"], placement["exit_duration_months"] = kind, duration
    placement["exit_category"] = exit_category(ExitFacts(kind, duration)).value
    due = add_months(end, 6)
    placement["followup_due_on"] = due
    if due <= REFERENCE_DAY and rng.random() < 0.85:
        later = kind if rng.random() < 0.6 else _pick(rng, EXITS)
        later_duration = rng.randint(1, 12) if later in ("cdd", "temp_mission") else None
        placement["followup_kind"] = later
        placement["followup_duration_months"] = later_duration
        placement["followup_category"] = exit_category(ExitFacts(later, later_duration)).value
        placement["followup_recorded_on"] = due + timedelta(days=rng.randint(0, 20))
    return placement, end


def _events(ids: list[int], placements: list[dict], amoi: int) -> int:
    rows = []
    for pid, p in zip(ids, placements, strict=True):
        rows.append(_event(pid, "start", p["start_date"], p, amoi))
        if p["ended_on"]:
            kind = "break" if p["break_kind"] else "end"
            rows.append(_event(pid, kind, p["ended_on"], p, amoi, p["exit_kind"] or ""))
        if p["followup_recorded_on"]:
            rows.append(_event(pid, "followup", p["followup_recorded_on"], p, amoi))
    if rows:
        db.session.execute(insert(PlacementEvent), rows)
    return len(rows)


def _event(pid: int, kind: str, day: date, p: dict, amoi: int, detail: str = "") -> dict:
    return {
        "placement_id": pid,
        "kind": kind,
        "effective_on": day,
        "planned_end": p["planned_end"] if kind == "start" else None,
        "weekly_hours": p["weekly_hours"] if kind == "start" else None,
        "detail": detail,
        "reason": "",
        "recorded_by_id": amoi,
        "created_at": at(day),
    }


def _statement_status(rng: random.Random, month: date, company: bool) -> str:
    """Mostly validated; the last months submitted (or a company's draft); some in the
    refusal workflow, a few refused whole."""
    roll = rng.random()
    if month == LAST_MONTH:
        if company and roll < 0.15:
            return "draft"
        return "submitted" if roll < 0.75 else "validated"
    if month == add_months(LAST_MONTH, -1) and roll < 0.25:
        return "submitted"
    if roll < 0.03:
        return "refusal_proposed"
    if roll < 0.035:
        return "refused"
    return "validated"


def _hours(rng: random.Random, hire: _Hire, month: date) -> Decimal:
    monthly = hire.weekly * 52 / 12 * Decimal(rng.uniform(0.7, 1.0))
    if month == first_of_month(hire.start) and hire.start.day > 1:
        monthly = monthly * Decimal(31 - min(hire.start.day, 30)) / 30
    return max(Decimal("7"), monthly).quantize(Decimal("0.01"))


def build_statements(hires: list[_Hire], rng: random.Random, amoi: int) -> tuple[int, int]:
    """One statement per employer × month, its lines inserted month by month; the counts."""
    started = time.perf_counter()
    company_ids = set(
        db.session.scalars(select(Organisation.id).where(Organisation.kind == "company"))
    )
    statements = lines = 0
    month = FIRST_MONTH
    while month <= LAST_MONTH:
        by_org: dict[int, list[tuple[_Hire, Decimal]]] = defaultdict(list)
        for hire in hires:
            if first_of_month(hire.start) <= month <= hire.last_day and countable_hours(
                hire.contract_type, hire.start, month, hire.cdi_cap
            ):
                by_org[hire.employer_id].append((hire, _hours(rng, hire, month)))
        orgs = sorted(by_org)
        deposited = add_months(month, 1) + timedelta(days=rng.randint(2, 9))
        heads = []
        for org in orgs:
            status = _statement_status(rng, month, org in company_ids)
            reviewed = status not in ("draft", "submitted")
            heads.append(
                {
                    "organisation_id": org,
                    "month": month,
                    "status": status,
                    "source": "typed" if org in company_ids else "upload",
                    "submitted_by_id": None,
                    "submitted_at": None if status == "draft" else at(deposited),
                    "entered_by_amoi": False,
                    "uploads": 0 if org in company_ids else 1,
                    "reviewed_by_id": amoi if reviewed else None,
                    "reviewed_at": at(deposited + timedelta(days=3)) if reviewed else None,
                    "version": 1,
                }
            )
        ids = bulk(HourStatement, heads)
        rows = []
        for statement_id, head in zip(ids, heads, strict=True):
            for number, (hire, hours) in enumerate(by_org[head["organisation_id"]], start=2):
                rows.append(_line(rng, statement_id, head, hire, hours, number, amoi))
        if rows:
            db.session.execute(insert(HourLine), rows)
        db.session.commit()
        statements += len(ids)
        lines += len(rows)
        if month.month in (6, 12) or month == LAST_MONTH:
            print(
                f"    statements to {month:%m/%Y}: {statements} statements, {lines} lines "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
        month = add_months(month, 1)
    return statements, lines


def _line(rng, statement_id: int, head: dict, hire: _Hire, hours, number: int, amoi: int):
    training = Decimal(0)
    if hire.contract_type in ("professionalisation", "apprenticeship"):
        training = (hours * Decimal("0.25")).quantize(Decimal("0.01"))
    status, decision, reason = head["status"], "", ""
    if status == "validated" and rng.random() < 0.02:  # went through the refusal workflow
        status, decision = rng.choice((("refused", "confirmed"), ("validated", "overturned")))
        reason = "Heures sans rapport avec le chantier."
    elif status == "refused":  # every line refused, the buyer confirmed
        decision, reason = "confirmed", "Relevé établi hors des pratiques locales."
    elif status == "refusal_proposed":
        if number == 2 or rng.random() < 0.3:
            reason = "Heures déclarées au-delà de la période du contrat."
        else:
            status = "validated"
    reviewed = head["reviewed_at"]
    return {
        "statement_id": statement_id,
        "placement_id": hire.id,
        "month": head["month"],
        "hours": hours,
        "training_hours": training,
        "status": status,
        "source_line": number if head["source"] == "upload" else None,
        "refusal_reason": reason,
        "refusal_proposed_by_id": amoi if reason else None,
        "refusal_proposed_at": reviewed if reason else None,
        "buyer_decision": decision,
        "buyer_comment": "Vu avec l'entreprise." if decision else "",
        "decided_by_id": None,
        "decided_at": reviewed + timedelta(days=6) if decision else None,
        "version": 1,
    }


def samples() -> dict:
    """Ids the benchmarks drive: operations of different sizes by hour lines (the largest,
    the median, a small one), a statement of median size, the busiest lot."""
    from sqlalchemy import func

    per_operation = db.session.execute(
        select(Market.operation_id, func.count(HourLine.id))
        .join(Placement, HourLine.placement_id == Placement.id)
        .join(Lot, Placement.lot_id == Lot.id)
        .join(Market, Lot.market_id == Market.id)
        .group_by(Market.operation_id)
        .order_by(func.count(HourLine.id).desc(), Market.operation_id)
    ).all()
    per_statement = db.session.execute(
        select(HourLine.statement_id, func.count(HourLine.id))
        .group_by(HourLine.statement_id)
        .order_by(func.count(HourLine.id), HourLine.statement_id)
    ).all()
    busiest_lot = db.session.scalar(
        select(Placement.lot_id)
        .group_by(Placement.lot_id)
        .order_by(func.count(Placement.id).desc(), Placement.lot_id)
        .limit(1)
    )
    if not per_operation:
        return {}
    ranked = [op for op, _n in per_operation]
    ccvg = db.session.scalar(
        select(Organisation.id).where(
            Organisation.kind == OrgKind.BUYER.value, Organisation.parent_id.is_(None)
        )
    )
    own = set(db.session.scalars(select(Operation.id).where(Operation.buyer_id == ccvg)))
    return {
        "report_operations": list(
            dict.fromkeys([ranked[0], ranked[len(ranked) // 2], ranked[len(ranked) * 9 // 10]])
        ),
        "ccvg_report_operation": next((op for op in ranked if op in own), ranked[0]),
        "report_year": 2025,
        "statement": per_statement[len(per_statement) // 2][0],
        "busy_lot": busiest_lot,
    }
