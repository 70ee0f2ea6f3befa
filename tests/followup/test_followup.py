"""The follow-up of the titulaires (issue 11): step rules, scoping, letter PDFs,
immutability, penalties, the work queue."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from portal.access import scoped
from portal.extensions import db as _db
from portal.followup import services
from portal.models import Contact, Letter, OrgKind
from portal.models.followup import ImmutableDocument
from portal.refusals import Refused
from portal.rules.deadlines import ContactFact, reply_deadline
from portal.rules.followup import AgreementSettings, proposed_penalty, reminder_step
from portal.rules.markets import PenaltyKind
from tests.conftest import text_of, words_of
from tests.factories import make_org, make_user
from tests.followup.builders import DAY, amoi, contacts, escalation_at, held_lot, no_agreement

D = date(2027, 1, 1)


def _fact(i, channel, outcome="not_reached"):
    return ContactFact(D + timedelta(days=i), channel, outcome)


def test_three_contacts_none_written_do_not_open_the_reminder():
    phone = [_fact(i, "phone") for i in range(3)]
    assert not reminder_step("none", phone, AgreementSettings()).open
    written = [*phone[:2], _fact(2, "email")]
    opening = reminder_step("none", written, AgreementSettings())
    assert opening.open and opening.action == "propose_reminder_letter"
    # a phone call the AMOI marks as written counts as written
    marked = [*phone[:2], ContactFact(D, "phone", "not_reached", written=True)]
    assert reminder_step("none", marked, AgreementSettings()).open
    # a commitment resets the count
    reset = [*written, _fact(5, "phone", "commitment")]
    assert not reminder_step("none", reset, AgreementSettings()).open


def test_a_buyer_who_needs_no_agreement_skips_the_proposal(app, db):
    lot = held_lot()
    no_agreement(lot.market.operation.buyer)
    user = amoi()
    contacts(lot, user)
    escalation = services.start_reminder(lot, user, DAY)
    assert escalation.status == "reminder_letter"
    settings = AgreementSettings(reminder_letter=False)
    facts = [_fact(0, "email"), _fact(1, "phone"), _fact(2, "phone")]
    assert reminder_step("none", facts, settings).action == "send_reminder_letter"


def test_the_reminder_is_refused_before_three_unsuccessful_contacts(app, db):
    lot = held_lot()
    user = amoi()
    contacts(lot, user, (("email", "not_reached"), ("phone", "not_reached")))
    with pytest.raises(Refused, match="3 contacts sans succès"):
        services.start_reminder(lot, user, DAY)


def test_a_company_never_sees_another_companys_contacts_or_letters(app, db):
    user = amoi()
    mine, theirs = held_lot(), held_lot()
    escalation_at(mine, user, "sent")
    escalation_at(theirs, user, "sent")
    company = make_user(mine.holder)
    assert {c.company_id for c in _db.session.scalars(scoped(Contact, company))} == {mine.holder_id}
    letters = _db.session.scalars(scoped(Letter, company)).all()
    assert [x.escalation.company_id for x in letters] == [mine.holder_id]


def test_a_commune_sees_only_its_lots_follow_up(app, db, login_as):
    ccvg = make_org(OrgKind.BUYER, name="CCVG")
    commune = make_org(OrgKind.BUYER, name="Commune A", parent=ccvg)
    other = make_org(OrgKind.BUYER, name="Commune B", parent=ccvg)
    user = amoi()
    mine, theirs = held_lot(commune), held_lot(other)
    escalation_at(mine, user, "sent")
    _, their_letter = escalation_at(theirs, user, "sent")
    commune_user = make_user(commune)
    ids = {x.escalation.lot_id for x in _db.session.scalars(scoped(Letter, commune_user))}
    assert ids == {mine.id}
    client = login_as(commune_user)
    assert client.get(f"/suivi/lots/{theirs.id}").status_code == 404
    assert client.get(f"/suivi/lettres/{their_letter.id}.pdf").status_code == 404
    page = client.get(f"/suivi/lots/{mine.id}")
    assert page.status_code == 200 and "Note interne secrète" not in text_of(page)
    # the CCVG sees both
    ccvg_ids = {x.escalation.lot_id for x in _db.session.scalars(scoped(Letter, make_user(ccvg)))}
    assert ccvg_ids == {mine.id, theirs.id}


def test_the_reminder_letter_pdf_prints_the_deadline_hours_and_references(app, db):
    lot = held_lot()
    _, letter = escalation_at(lot, amoi(), "letter")
    text = " ".join(PdfReader(BytesIO(letter.pdf)).pages[0].extract_text().split())
    deadline = reply_deadline(DAY)
    assert letter.deadline == deadline == date(2027, 1, 18)
    assert "18/01/2027" in text
    assert "2026-T-Étoile" in text
    assert "300 h" in text and "0 h" in text
    assert "Sud-Ouest Emploi" in text
    assert "12 rue de l'Église" in text
    import hashlib

    assert letter.sha256 == hashlib.sha256(letter.pdf).hexdigest()


def test_the_registered_letter_is_on_the_buyers_letterhead(app, db):
    lot = held_lot()
    user = amoi()
    escalation, letter = escalation_at(lot, user, "sent")
    buyer_user = make_user(lot.market.operation.buyer)
    with pytest.raises(Refused, match="délai"):
        services.start_registered(escalation, user, DAY, "formal_notice")
    services.start_registered(
        escalation, user, letter.deadline + timedelta(days=1), "formal_notice"
    )
    services.decide(escalation, buyer_user, True, "")
    notice = services.generate_letter(escalation, user, "formal_notice", DAY, "Mise en demeure.")
    _db.session.commit()
    text = " ".join(PdfReader(BytesIO(notice.pdf)).pages[0].extract_text().split())
    assert "Lettre recommandée avec accusé de réception" in text
    assert lot.market.operation.buyer.name in text
    assert "Copie : Sud-Ouest Emploi" in text
    services.record_sent(notice, buyer_user, DAY)
    services.record_received(notice, buyer_user, DAY + timedelta(days=2))
    _db.session.commit()
    assert notice.received_on == DAY + timedelta(days=2)


def test_a_generated_letter_cannot_be_changed_only_superseded(app, db):
    lot = held_lot()
    user = amoi()
    escalation, letter = escalation_at(lot, user, "letter")
    letter.body = "Autre texte"
    with pytest.raises(ImmutableDocument):
        _db.session.flush()
    _db.session.rollback()
    newer = services.generate_letter(escalation, user, "reminder", DAY, "Nouveau texte.")
    _db.session.commit()
    assert newer.supersedes_id == letter.id
    assert escalation.current_letter("reminder") == newer
    _db.session.refresh(letter)
    assert letter.body == "Corps de la lettre."


@pytest.mark.parametrize(
    ("kind", "value", "cap", "missing", "amount"),
    [
        ("fixed_per_hour", Decimal("60"), None, Decimal("120"), Decimal("7200.00")),
        ("fixed_per_hour", Decimal("60"), Decimal("5000"), Decimal("120"), Decimal("5000.00")),
        ("smic_multiple", Decimal("1.5"), None, Decimal("10"), Decimal("178.20")),
        ("none", None, None, Decimal("10"), Decimal("0.00")),
    ],
)
def test_the_proposed_penalty_follows_the_ccap_formula(kind, value, cap, missing, amount):
    computed = proposed_penalty(PenaltyKind(kind), value, cap, missing, Decimal("11.88"))
    assert computed.amount == amount


def test_the_penalty_is_proposed_then_decided_never_applied(app, db, login_as):
    lot = held_lot()
    user = amoi()
    proposal = services.propose_penalty(lot, user, DAY, Decimal("11.88"), None)
    _db.session.commit()
    home = words_of(login_as(make_user(lot.market.operation.buyer)).get("/"))
    assert "Pénalités proposées par l'AMOI, à décider" in home and "18 000,00" in home
    assert proposal.missing_hours == Decimal("300.00")
    assert proposal.proposed_amount == Decimal("18000.00")
    assert proposal.status == "proposed" and proposal.decided_amount is None
    buyer = make_user(lot.market.operation.buyer)
    client = login_as(buyer)
    from tests.conftest import CONFIRMED

    answer = client.post_form(
        f"/suivi/penalites/{proposal.id}/decision",
        {**CONFIRMED, "version": str(proposal.version), "amount": "0", "reason": "Effort constaté"},
    )
    assert answer.status_code == 303
    _db.session.refresh(proposal)
    assert proposal.decided_amount == Decimal("0") and proposal.status == "decided"


def test_the_journey_shows_the_deadline_on_the_work_queue(app, db, login_as):
    lot = held_lot()
    facilitator = make_org(OrgKind.FACILITATOR, name="AMOI")
    user = make_user(facilitator)
    client = login_as(user)
    for i, channel in enumerate(("phone", "phone", "email")):
        answer = client.post_form(
            f"/suivi/lots/{lot.id}/contacts",
            {"day": f"2027-01-0{i + 1}", "channel": channel, "outcome": "not_reached"},
        )
        assert answer.status_code == 303
    assert client.post_form(f"/suivi/lots/{lot.id}/relance").status_code == 303
    escalation = services.open_escalation(lot)
    assert escalation.status == "reminder_proposed"
    buyer_client = login_as(make_user(lot.market.operation.buyer))
    from tests.conftest import CONFIRMED

    home = buyer_client.get("/")
    assert "Relances en attente de votre accord" in text_of(home)
    assert lot.market.reference in text_of(home)
    agreed = buyer_client.post_form(
        f"/suivi/relances/{escalation.id}/accord", {**CONFIRMED, "version": str(escalation.version)}
    )
    assert agreed.status_code == 303
    form = client.get(f"/suivi/relances/{escalation.id}/lettre")
    assert "Malgré nos sollicitations" in text_of(form)
    generated = client.post_form(
        f"/suivi/relances/{escalation.id}/lettre",
        {**CONFIRMED, "dated_on": "2027-01-04", "body": "Merci de nous contacter."},
    )
    assert generated.status_code == 303
    queue = text_of(client.get("/suivi/"))
    assert "délai de réponse : 18/01/2027" in queue
    assert client.get("/suivi/", follow_redirects=False).status_code == 200
    assert _db.session.scalar(select(Letter.sha256)) in text_of(
        client.get(f"/suivi/relances/{escalation.id}")
    )


def _validated(lot, month: date, hours: str) -> None:
    """A validated hour line on ``lot`` (the validation workflow is another issue's: the
    line is written validated, as tests/statements/test_queries.py does)."""
    from datetime import UTC, datetime

    from portal.models import HourLine, HourStatement
    from tests.statements.builders import structure_placement

    placement = structure_placement(lot=lot)
    statement = HourStatement(
        organisation=placement.employer,
        month=month,
        status="validated",
        submitted_at=datetime(2027, 2, 1, tzinfo=UTC),
    )
    statement.lines.append(
        HourLine(placement=placement, month=month, hours=Decimal(hours), status="validated")
    )
    _db.session.add(statement)
    _db.session.commit()


def test_letters_and_penalties_count_validated_hours_only(app, db):
    lot = held_lot()
    _validated(lot, date(2026, 12, 1), "120.5")
    user = amoi()
    _, letter = escalation_at(lot, user, "letter")
    text = " ".join(PdfReader(BytesIO(letter.pdf)).pages[0].extract_text().split())
    assert "120,5 h" in text and "300 h" in text
    proposal = services.propose_penalty(lot, user, date(2027, 6, 30), Decimal("11.88"), None)
    assert proposal.validated_hours == Decimal("120.50")
    assert proposal.missing_hours == Decimal("179.50")
    assert proposal.proposed_amount == Decimal("10770.00")  # 179,5 h × 60 €
    before = services.propose_penalty(lot, user, date(2026, 11, 30), Decimal("11.88"), None)
    assert before.missing_hours == Decimal("300.00")  # at a date before the hours


def test_one_open_escalation_per_lot_and_company(app, db):
    from sqlalchemy.exc import IntegrityError

    from portal.models import Escalation

    lot = held_lot()
    escalation_at(lot, amoi())
    _db.session.add(Escalation(lot_id=lot.id, company_id=lot.holder_id, opened_on=DAY))
    with pytest.raises(IntegrityError):
        _db.session.commit()
    _db.session.rollback()
    resolved = Escalation(lot_id=lot.id, company_id=lot.holder_id, opened_on=DAY, status="resolved")
    _db.session.add(resolved)
    _db.session.commit()  # closed escalations do not count
