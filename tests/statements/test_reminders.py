"""Late statements and their reminders: the list, ``flask send-reminders`` and the AMOI's
page, one reminder per organisation without any person's name, idempotent the same day
(issue 10; docs/domain.md §7)."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

from sqlalchemy import func, select

from portal.clock import today
from portal.extensions import db as _db
from portal.formatting import month as month_label
from portal.models import HourStatement, OrgKind, StatementReminder
from portal.rules.deadlines import add_months, first_of_month
from portal.rules.progress import last_due_month, months_between
from portal.rules.workflow import StatementStatus
from portal.statements.reminders import late_statements, send_reminders
from tests.conftest import CONFIRMED, outbox_messages, words_of
from tests.factories import make_org, make_user
from tests.statements.builders import reference, structure_placement

T = today()
START = first_of_month(add_months(T, -5))
LATE = months_between(START, last_due_month(T))


def _hired_long_ago(structure=None, name="Martin"):
    placement = structure_placement(structure, last_name=name, planned_end=None)
    placement.start_date = START
    _db.session.commit()
    return placement


def _statement(org, month, status=StatementStatus.SUBMITTED):
    _db.session.add(
        HourStatement(
            organisation=org,
            month=month,
            status=status.value,
            submitted_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
    )
    _db.session.commit()


def _reminders(app) -> list[tuple[str, str]]:
    """(recipients, body) of the reminders in the outbox (other messages left aside)."""
    messages = [
        message_from_bytes(eml.read_bytes(), policy=policy.default) for eml in outbox_messages(app)
    ]
    return [
        (str(m["To"]), m.get_content())
        for m in messages
        if m["Subject"] == "Relevés d'heures en retard"
    ]


def test_late_months_are_the_expected_ones_not_received(app, db):
    placement = _hired_long_ago()
    org = placement.employer
    make_user(org, email="paie@structure.example")
    _statement(org, LATE[0])  # received
    _statement(org, LATE[1], StatementStatus.DRAFT)  # a draft is not received
    _statement(org, LATE[2], StatementStatus.VALIDATED)  # received
    [late] = late_statements(T)
    assert late.organisation_id == org.id
    assert late.months == [LATE[1], *LATE[3:]]
    assert {lot for _, lot in late.items} == {reference(placement)}
    assert "paie@structure.example" in late.emails
    assert not late.reminded_today
    # the current month and last month before its due day are not late
    assert first_of_month(T) not in late.months


def test_the_command_sends_one_reminder_per_organisation_once_a_day(app, db):
    first = _hired_long_ago(name="Martin")
    same_org = structure_placement(first.employer, last_name="Bernard", planned_end=None)
    same_org.start_date = START
    second = _hired_long_ago(name="Petit")
    for org, email in ((first.employer, "a@un.example"), (second.employer, "b@deux.example")):
        make_user(org, email=email)
    make_user(first.employer, email="parti@un.example", active=False)
    _db.session.commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    assert "2 organisations relancées" in result.output
    reminders = _reminders(app)
    assert len(reminders) == 2
    [(to, body)] = [(to, body) for to, body in reminders if "a@un.example" in to]
    assert "parti@un.example" not in to  # inactive accounts get nothing
    assert not any("a@un.example" in to and "b@deux" in to for to, _ in reminders)
    assert first.employer.name in body
    assert reference(first) in body and reference(same_org) in body
    for month in LATE:
        assert month_label(month) in body
    for person in (first.participant, same_org.participant, second.participant):
        assert person.last_name not in body and person.first_name not in body
    assert _db.session.scalar(select(func.count(StatementReminder.id))) == 2

    again = runner.invoke(args=["send-reminders"])
    assert again.exit_code == 0
    assert "Aucune relance à envoyer aujourd'hui" in again.output
    assert len(_reminders(app)) == 2
    assert _db.session.scalar(select(func.count(StatementReminder.id))) == 2
    assert all(late.reminded_today for late in late_statements(T))


def test_an_organisation_without_any_account_is_listed_not_reminded(app, db):
    placement = _hired_long_ago()
    for user in placement.employer.users:
        user.active = False
    _db.session.commit()
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "Aucune relance" in result.output
    assert f"{placement.employer.name} : relevés en retard, mais aucun compte actif" in (
        result.output
    )
    assert _reminders(app) == []


def test_nothing_late_sends_nothing(app, db):
    assert late_statements(T) == []
    assert send_reminders(T) == []


def test_the_amoi_sees_the_list_and_sends_from_the_page_once(app, login_as, db):
    placement = _hired_long_ago(name="Zorglub")
    make_user(placement.employer, email="paie@structure.example")
    amoi = login_as(make_user(make_org(OrgKind.FACILITATOR)))
    page = words_of(amoi.get("/releves/retards"))
    assert placement.employer.name in page
    assert month_label(LATE[0]) in page and reference(placement) in page
    assert "Zorglub" not in page and "ZORGLUB" not in page
    assert "1 organisation recevra une relance" in page  # the dialog's text
    assert "Relevés en retard et relances" in words_of(amoi.get("/releves/"))

    asked = amoi.post_form("/releves/retards/relancer", data={})
    assert asked.status_code == 200
    assert "1 organisation recevra une relance" in words_of(asked)
    assert _reminders(app) == []

    sent = amoi.post_form("/releves/retards/relancer", data=CONFIRMED)
    assert sent.status_code == 303
    assert len(_reminders(app)) == 1
    after = words_of(amoi.get("/releves/retards"))
    assert "1 organisation relancée" in after and "Relancée aujourd'hui" in after
    assert "Envoyer les relances" not in after

    again = amoi.post_form("/releves/retards/relancer", data=CONFIRMED)
    assert again.status_code == 303
    assert "Aucune relance à envoyer" in words_of(amoi.get("/releves/retards"))
    assert len(_reminders(app)) == 1
    reminder = _db.session.scalar(select(StatementReminder))
    assert reminder.sent_by_id is not None and reminder.late_count == len(LATE)


def test_others_cannot_reach_the_late_list(login_as, db):
    structure = make_org(OrgKind.STRUCTURE)
    client = login_as(make_user(structure))
    assert client.get("/releves/retards").status_code == 403
    assert client.post_form("/releves/retards/relancer", data=CONFIRMED).status_code == 403


def test_a_placement_on_a_tce_share_is_expected_too(app, db):
    """A TCE share has no lot: its structure is reminded with the share as the portal
    names it (docs/domain.md §7.1)."""
    from tests.people.builders import identity
    from tests.statements.grid_builders import direct_hire, make_share

    structure = make_org(OrgKind.STRUCTURE)
    placement = direct_hire(
        make_org(OrgKind.COMPANY),
        share=make_share(make_org(OrgKind.COMPANY)),
        employer=structure,
        modality="temp_insertion",
        who=identity(last_name="Part", first_name="Tcé"),
        start_date=START,
        planned_end=None,
    )
    assert placement.lot_id is None
    [late] = late_statements(T)
    assert late.organisation_id == structure.id
    assert late.months == LATE
    assert {lot for _, lot in late.items} == {
        "Groupe scolaire des Tilleuls – part TCE Maçonnerie / gros œuvre"
    }
