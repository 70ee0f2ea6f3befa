"""Issue 11's journey: the AMOI logs three contacts with a titulaire it has to contact
first, proposes a reminder letter, the buyer accepts it from its home page, the AMOI
generates the letter and its deadline shows on the work queue. axe runs on every page."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from portal.clock import today
from portal.extensions import db
from portal.models import Lot, User
from portal.rules.deadlines import reply_deadline
from tests.browser.conftest import login, logout
from tests.browser.test_people_journey import accessible

AMOI = "charge.mission@sud-ouest-emploi.example"


def _buyer_email(live_app, lot_id: int) -> str:
    with live_app.app_context():
        lot = db.session.get(Lot, lot_id)
        return db.session.scalars(
            select(User.email)
            .where(User.organisation_id == lot.market.operation.buyer_id)
            .order_by(User.id)
        ).first()


def _log_contact(page, day: str, channel: str) -> None:
    page.get_by_label("Date du contact").fill(day)
    page.get_by_label("Canal").select_option(channel)
    page.get_by_label("Résultat").select_option("not_reached")
    page.get_by_role("button", name="Enregistrer le contact").click()
    expect(page.get_by_text("Le contact est enregistré")).to_be_visible()


def test_contacts_proposal_agreement_letter_and_deadline_on_the_queue(page, live_app):
    # 1. The AMOI takes a first contact from its work queue, three times without success.
    login(page, AMOI)
    page.get_by_role("link", name="À faire : suivi des titulaires").click()
    accessible(page)
    first = page.locator("section", has=page.get_by_role("heading", name="Premiers contacts"))
    first.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/suivi/lots/\d+$"))
    lot_id = int(page.url.rsplit("/", 1)[1])
    accessible(page)
    _log_contact(page, "2026-11-02", "phone")
    _log_contact(page, "2026-11-05", "phone")
    expect(page.get_by_text("il y en a 2, dont 0 écrit")).to_be_visible()
    _log_contact(page, "2026-11-09", "email")
    page.get_by_role("button", name="Proposer une lettre de relance à l'acheteur").click()
    expect(page.get_by_text("La lettre de relance est proposée à l'acheteur")).to_be_visible()
    escalation_url = page.url
    accessible(page)
    logout(page)

    # 2. The buyer sees the proposal on its home page and accepts it.
    login(page, _buyer_email(live_app, lot_id))
    waiting = page.locator(
        "section", has=page.get_by_role("heading", name="Relances en attente de votre accord")
    )
    with page.expect_navigation():
        waiting.get_by_role("link").first.click()
    expect(page).to_have_url(escalation_url)
    accessible(page)
    page.get_by_role("button", name="Accepter", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Accepter", exact=True).click()
    expect(page.get_by_text("Votre accord est enregistré")).to_be_visible()
    logout(page)

    # 3. The AMOI edits and generates the letter; the deadline shows on the work queue.
    login(page, AMOI)
    page.goto(escalation_url)
    with page.expect_navigation():
        page.get_by_role("link", name="Rédiger la lettre").click()
    accessible(page)
    body = page.get_by_label("Corps de la lettre")
    expect(body).to_have_value(re.compile("Malgré nos sollicitations"))
    body.fill("Malgré nos appels, nous n'avons pas pu faire le point avec vous.")
    page.get_by_role("button", name="Générer la lettre").click()
    page.get_by_role("dialog").get_by_role("button", name="Générer la lettre").click()
    expect(page.get_by_text("La lettre est générée")).to_be_visible()
    expect(page.get_by_text("Empreinte SHA-256 :")).to_be_visible()
    accessible(page)
    page.goto("/")
    page.get_by_role("link", name="À faire : suivi des titulaires").click()
    deadline = reply_deadline(today()).strftime("%d/%m/%Y")
    expect(page.get_by_text(f"délai de réponse : {deadline}")).to_be_visible()
    accessible(page)
