"""The company's typed grid in the browser (issue 10): at 390 px the rows are stacked cards
(no horizontal overflow), a row's problem shows as the user types (htmx, debounced), and the
draft is saved."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import login

PHONE = {"width": 390, "height": 844}


def _direct_hire(live_app):
    """A demo company's active direct hire started by now, its month and a user's e-mail."""
    from portal import clock
    from portal.extensions import db
    from portal.models import Placement, User
    from portal.statements import grid as grids

    month = clock.today().replace(day=1)
    with live_app.app_context():
        candidates = db.session.scalars(
            select(Placement)
            .where(Placement.modality == "direct_hire", Placement.status == "active")
            .order_by(Placement.id)
        ).all()
        placement = next(
            (p for p in candidates if p.id in {x.id for x in grids.placements(p.employer, month)}),
            None,
        )
        assert placement is not None, "the demo has a direct hire active this month"
        email = db.session.scalar(
            select(User.email)
            .where(User.organisation_id == placement.employer_id, User.active.is_(True))
            .order_by(User.id)
        )
        return placement.id, month, email


def test_a_company_types_its_hours_at_390_px(browser, base_url, live_app):
    placement_id, month, email = _direct_hire(live_app)
    context = browser.new_context(base_url=base_url, locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    login(page, email)

    page.goto(f"/releves/saisie?mois={month:%Y-%m}")

    hours = page.locator(f"#hours-{placement_id}")
    expect(hours).to_be_visible()
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner
    hours.fill("300")
    problems = page.locator(f"#problems-{placement_id}")
    expect(problems).to_contain_text("au-delà des 250 h possibles")
    expect(page.locator("#grid-summary")).to_contain_text("à corriger")
    hours.fill("35")
    page.locator(f"#training-{placement_id}").fill("4")
    expect(problems).not_to_contain_text("au-delà")
    expect(page.locator("#grid-summary")).to_contain_text("35 h au total")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page).to_have_url(re.compile(r"/releves/saisie\?mois="))
    expect(page.get_by_text("Le brouillon du relevé")).to_be_visible()
    expect(page.locator(f"#hours-{placement_id}")).to_have_value("35")
    context.close()


def test_the_upload_previews_through_htmx_with_its_progress_indicator(browser, base_url, live_app):
    from portal.extensions import db
    from portal.models import Organisation, OrgKind, User

    with live_app.app_context():
        email = db.session.scalar(
            select(User.email)
            .join(Organisation, User.organisation_id == Organisation.id)
            .where(Organisation.kind == OrgKind.STRUCTURE.value, User.active.is_(True))
            .order_by(User.id)
        )
    csv = (
        "Nom;Prénom;Date de naissance;Lot;Mois;Heures travaillées;Dont heures de formation\n"
        "Inconnue;Personne;01/02/1990;XX-0 lot 1;01/2026;35;0\n"
    ).encode()
    context = browser.new_context(base_url=base_url, locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    login(page, email)
    page.goto("/releves/depot")
    expect(page.locator("#upload-reading")).to_be_hidden()
    page.get_by_label("Fichier du relevé (CSV ou XLSX)").set_input_files(
        files=[{"name": "releve.csv", "mimeType": "text/csv", "buffer": csv}]
    )
    page.get_by_role("button", name="Prévisualiser").click()
    expect(page.get_by_text("rien n'a été enregistré")).to_be_visible()
    expect(page.get_by_text("n'est pas un lot sur lequel votre organisation")).to_be_visible()
    expect(page.get_by_role("button", name="Prévisualiser")).to_be_enabled()
    assert page.locator("#contenu").count() == 1  # the answer replaced the content, once
    context.close()
