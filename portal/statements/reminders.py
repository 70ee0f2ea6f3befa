"""Late monthly statements and their reminders (docs/domain.md §7; convention annex 2,
« relance mensuelle des structures porteuses des contrats »; issue 10).

*Expected*: for each active placement, its employer × its lot × every month from the
placement's start month to last month. *Received*: the organisation's statement of that
month, submitted or further (a draft is not received). Late: expected, not received, due
date (`rules.deadlines.statement_due`, the ``STATEMENT_DUE_DAY`` of the following month)
passed (`rules.deadlines.missing_statements`).

One reminder per organisation, to its active users, listing the months and the lots (no
person's name), written to the outbox after the commit; a :class:`StatementReminder` row
per organisation and day makes a second run the same day send nothing new. Used by
``flask send-reminders`` (cron) and the AMOI's page ``/releves/retards``. Aggregate
columns only (ids, months, lot references): no row of personal data is read.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import audit
from portal.documents import mail
from portal.extensions import db
from portal.formatting import month as month_label
from portal.links import external_url
from portal.models import (
    HourStatement,
    Lot,
    Market,
    Organisation,
    Placement,
    SubcontractorShare,
    User,
)
from portal.models.reminders import StatementReminder
from portal.rules.deadlines import add_months, first_of_month, missing_statements
from portal.rules.progress import months_between
from portal.rules.workflow import PlacementStatus, StatementStatus
from portal.statements.progress import settings
from portal.statements.services import share_reference

SUBJECT = "Relevés d'heures en retard"


@dataclass(frozen=True)
class LateOrganisation:
    """An organisation's late statements: ``items`` are (month, lot reference) pairs,
    oldest month first; ``emails`` its active users'; ``reminded_today`` when a reminder
    already left today."""

    organisation_id: int
    name: str
    items: tuple[tuple[date, str], ...]
    emails: tuple[str, ...]
    reminded_today: bool

    @property
    def months(self) -> list[date]:
        return sorted({month for month, _ in self.items})

    def by_month(self) -> list[tuple[date, list[str]]]:
        """(month, the lots late that month), oldest first."""
        grouped: dict[date, list[str]] = defaultdict(list)
        for month, lot in self.items:
            grouped[month].append(lot)
        return sorted(grouped.items())


def _lot_reference(reference: str, number: int) -> str:
    return f"{reference} lot {number}"


def late_statements(today: date) -> list[LateOrganisation]:
    """Every organisation with late statements on ``today``, by name. Six queries (seven with
    TCE shares), whatever the number of placements."""
    _tolerance, due_day, _divisor = settings()
    last_month = add_months(first_of_month(today), -1)
    placements = db.session.execute(
        select(
            Placement.employer_id, Placement.lot_id, Placement.share_id, Placement.start_date
        ).where(Placement.status == PlacementStatus.ACTIVE.value)
    ).all()
    # a placement works on a lot or, in a TCE operation, on a share: ("lot", id) | ("share", id)
    expected = {
        (employer, ("lot", lot) if lot is not None else ("share", share), month)
        for employer, lot, share, start in placements
        if lot is not None or share is not None
        for month in months_between(start, last_month)
    }
    if not expected:
        return []
    employers = sorted({employer for employer, _, _ in expected})
    first = min(month for _, _, month in expected)
    statements = db.session.execute(
        select(HourStatement.organisation_id, HourStatement.month).where(
            HourStatement.organisation_id.in_(employers),
            HourStatement.month >= first,
            HourStatement.status != StatementStatus.DRAFT.value,
        )
    ).all()
    got = set(statements)
    received = [(org, lot, month) for org, lot, month in expected if (org, month) in got]
    late = missing_statements(expected, received, today, due_day)
    if not late:
        return []
    org_ids = sorted({org for org, _, _ in late})
    lot_ids = sorted({key for _, (kind, key), _ in late if kind == "lot"})
    share_ids = sorted({key for _, (kind, key), _ in late if kind == "share"})
    names = dict(
        db.session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(org_ids))
        ).all()
    )
    lots = {
        ("lot", lot_id): _lot_reference(reference, number)
        for lot_id, reference, number in db.session.execute(
            select(Lot.id, Market.reference, Lot.number)
            .join(Market, Lot.market_id == Market.id)
            .where(Lot.id.in_(lot_ids))
        )
    }
    if share_ids:
        lots.update(
            {
                ("share", share.id): share_reference(share)
                for share in db.session.scalars(
                    select(SubcontractorShare)
                    .where(SubcontractorShare.id.in_(share_ids))
                    .options(joinedload(SubcontractorShare.operation))
                )
            }
        )
    emails: dict[int, list[str]] = defaultdict(list)
    for org_id, email in db.session.execute(
        select(User.organisation_id, User.email)
        .where(User.organisation_id.in_(org_ids), User.active.is_(True))
        .order_by(User.email)
    ):
        emails[org_id].append(email)
    reminded = set(
        db.session.scalars(
            select(StatementReminder.organisation_id).where(
                StatementReminder.sent_on == today,
                StatementReminder.organisation_id.in_(org_ids),
            )
        )
    )
    items: dict[int, set[tuple[date, str]]] = defaultdict(set)
    for org, lot, month in late:
        items[org].add((month, lots[lot]))
    result = [
        LateOrganisation(
            organisation_id=org,
            name=names[org],
            items=tuple(sorted(items[org])),
            emails=tuple(emails.get(org, ())),
            reminded_today=org in reminded,
        )
        for org in org_ids
    ]
    return sorted(result, key=lambda late_org: (late_org.name.casefold(), late_org.organisation_id))


def to_remind(late: list[LateOrganisation]) -> list[LateOrganisation]:
    """The organisations a reminder would reach now: not reminded today, with a user."""
    return [org for org in late if not org.reminded_today and org.emails]


def reminder_body(org: LateOrganisation, due_day: int) -> str:
    """The reminder's text: months and lot references, never a person's name."""
    lines = [
        "Bonjour,",
        "",
        f"Les relevés d'heures mensuels suivants de {org.name} sont en retard "
        f"(chaque relevé est attendu le {due_day} du mois suivant) :",
        "",
    ]
    for month, lots in org.by_month():
        lines.append(f"- {month_label(month)} : {', '.join(lots)}")
    lines += [
        "",
        "Déposez-les ou saisissez-les sur Passerelle :",
        external_url("statements.index"),
        "",
        "Seules les heures validées comptent pour la clause d'insertion.",
        "",
        "L'AMO Insertion",
    ]
    return "\n".join(lines)


def send_reminders(today: date, actor: User | None = None) -> list[LateOrganisation]:
    """Queue one reminder per late organisation not yet reminded today and log it; returns
    the organisations reminded. The caller commits (the e-mails leave after the commit)."""
    _tolerance, due_day, _divisor = settings()
    sent = []
    for org in to_remind(late_statements(today)):
        mail.queue(list(org.emails), SUBJECT, reminder_body(org, due_day))
        reminder = StatementReminder(
            organisation_id=org.organisation_id,
            sent_on=today,
            months=" ".join(f"{month:%Y-%m}" for month in org.months)[:400],
            late_count=len(org.items),
            recipients=len(org.emails),
            sent_by_id=actor.id if actor is not None else None,
        )
        db.session.add(reminder)
        db.session.flush()
        audit.record(
            "statement.reminder_sent",
            reminder,
            detail=f"organisation={org.organisation_id} late={len(org.items)}",
            actor=actor,
        )
        sent.append(org)
    return sent
