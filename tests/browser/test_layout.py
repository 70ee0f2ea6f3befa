"""Issue 8 in the browser: narrow screens (menu button, no horizontal overflow), htmx swaps
without CSP violations, and the confirmation dialog (opens, cancels, confirms)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import login

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}

# Record every CSP violation the page reports, from before any script runs.
CSP_LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__csp.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def _ids(live_app) -> dict[str, int]:
    from portal.extensions import db
    from portal.models import Lot, Market, Operation, Quote

    with live_app.app_context():
        return {
            "operation": db.session.scalar(select(Operation.id).order_by(Operation.id)),
            "market": db.session.scalar(select(Market.id).order_by(Market.id)),
            "lot": db.session.scalar(select(Lot.id).order_by(Lot.id)),
            "quote": db.session.scalar(select(Quote.id).where(Quote.number.is_not(None))),
        }


def _context(browser, base_url, viewport):
    context = browser.new_context(base_url=base_url, locale="fr-FR", viewport=viewport)
    context.add_init_script(CSP_LISTENER)
    return context


def test_menu_folds_behind_a_button_at_390_px(browser, base_url):
    context = _context(browser, base_url, PHONE)
    page = context.new_page()
    login(page, "admin@sud-ouest-emploi.example")
    button = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    nav.get_by_role("link", name="Opérations").focus()
    page.keyboard.press("Escape")  # closes the menu, focus back on its button
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    context.close()


def test_without_javascript_the_menu_stays_open(browser, base_url):
    context = browser.new_context(
        base_url=base_url, locale="fr-FR", viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    login(page, "admin@sud-ouest-emploi.example")
    expect(page.get_by_role("navigation", name="Navigation principale")).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    context.close()


def test_wide_screens_show_the_admin_menu_on_one_line(browser, base_url):
    context = _context(browser, base_url, LAPTOP)
    page = context.new_page()
    login(page, "admin@sud-ouest-emploi.example")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    tops = page.eval_on_selector_all(
        ".main-nav li", "items => items.map(li => Math.round(li.getBoundingClientRect().top))"
    )
    assert len(tops) >= 10 and len(set(tops)) == 1, tops
    context.close()


PAGES = {
    "admin@sud-ouest-emploi.example": [
        "/",
        "/organisations/",
        "/recensement/",
        "/operations/",
        "/operations/{operation}",
        "/marches/{market}",
        "/lots/",
        "/lots/{lot}",
        "/devis/",
        "/devis/{quote}",
        "/factures/",
        "/admin/comptes",
        "/admin/journal",
        "/admin/avenants",
        "/regles",
        "/accessibilite",
        "/donnees-personnelles",
    ],
    "commande.publique@ccvg.example": ["/", "/operations/{operation}", "/devis/{quote}"],
    "contact@geiq-demo.example": ["/", "/lots/"],
}


@pytest.mark.parametrize("email", PAGES)
def test_no_page_overflows_horizontally_at_390_px(browser, base_url, live_app, email):
    ids = _ids(live_app)
    context = _context(browser, base_url, PHONE)
    page = context.new_page()
    login(page, email)
    overflowing = {}
    for path in PAGES[email]:
        response = page.goto(path.format(**ids))
        assert response is not None and response.status == 200, path
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width > inner:
            overflowing[path] = width
    context.close()
    assert overflowing == {}


def test_tables_scroll_in_a_labelled_focusable_box(browser, base_url):
    context = _context(browser, base_url, PHONE)
    page = context.new_page()
    login(page, "admin@sud-ouest-emploi.example")
    page.goto("/lots/")
    box = page.get_by_role("region", name="Lots")
    expect(box).to_have_attribute("tabindex", "0")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the table scrolls inside
    box.focus()
    page.keyboard.press("ArrowRight")
    expect(box).to_be_focused()
    context.close()


def test_an_htmx_swap_reports_no_csp_violation(browser, base_url):
    context = _context(browser, base_url, LAPTOP)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, "admin@sud-ouest-emploi.example")
    page.goto("/lots/")
    with page.expect_response(lambda r: "/lots/?" in r.url and r.request.headers.get("hx-request")):
        page.get_by_label("Année").select_option(index=1)
    page.wait_for_timeout(200)  # settle
    page.get_by_label("Rechercher (opération, lot, marché)").fill("zzz-aucun")
    with page.expect_response(lambda r: "/lots/?" in r.url and "zzz" in r.url):
        page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_text("Aucun résultat ne correspond à ces critères.")).to_be_visible()
    assert page.evaluate("window.__csp") == []
    assert [e for e in errors if "Content Security Policy" in e] == []
    assert page.evaluate("document.querySelectorAll('head style').length") == 0
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    context.close()


def test_confirmation_dialog_opens_cancels_and_confirms(browser, base_url, live_app):
    from portal.extensions import db
    from portal.models import Operation

    with live_app.app_context():
        op_id = db.session.scalar(
            select(Operation.id).where(Operation.status == "preparation").order_by(Operation.id)
        )
    context = _context(browser, base_url, LAPTOP)
    page = context.new_page()
    login(page, "admin@sud-ouest-emploi.example")
    page.goto(f"/operations/{op_id}")
    trigger = page.get_by_role("button", name="Démarrer le suivi")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_hidden()

    trigger.click()
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_name(re.compile(r"^Démarrer le suivi de l'opération"))
    expect(dialog).to_contain_text("ne pourra plus revenir « En préparation »")
    expect(dialog.get_by_role("button", name="Annuler")).to_be_focused()
    page.keyboard.press("Escape")  # cancels
    expect(dialog).to_be_hidden()
    expect(trigger).to_be_focused()

    trigger.click()
    dialog.get_by_role("button", name="Annuler").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("En préparation").first).to_be_visible()  # nothing changed

    trigger.click()
    dialog.get_by_role("button", name="Démarrer le suivi").click()
    expect(page.get_by_text("L'opération est maintenant « En cours ».")).to_be_visible()
    assert page.evaluate("window.__csp") == []
    context.close()


def test_without_javascript_the_confirmation_is_a_step_page(browser, base_url, live_app):
    from portal.extensions import db
    from portal.models import Organisation

    name = "Espaces Verts Fictifs SARL (entreprise fictive)"
    with live_app.app_context():
        org_id = db.session.scalar(select(Organisation.id).where(Organisation.name == name))
    context = browser.new_context(base_url=base_url, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    login(page, "admin@sud-ouest-emploi.example")
    page.goto(f"/organisations/{org_id}")
    page.get_by_role("button", name="Désactiver l'organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Désactiver l'entreprise {name} ?")
    expect(page.get_by_text(re.compile("déconnectés? sur-le-champ"))).to_be_visible()
    page.get_by_role("link", name="Annuler").click()  # nothing was changed
    expect(page).to_have_url(re.compile(rf"/organisations/{org_id}$"))
    expect(page.get_by_role("button", name="Désactiver l'organisation")).to_be_visible()
    context.close()
