"""Accessibility crawl: for each demo login, every page reachable from the navigation
(collected from the links) passes axe-core with the WCAG 2.1 A and AA rules."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe

from portal.demo import USERS
from tests.browser.conftest import login

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
MAX_PAGES = 100
DOWNLOADS = (".xlsx", ".csv", ".pdf", ".docx", ".json", "/cv")
"""Files, not pages: a candidate's CV (/candidats/<id>/cv) is served as a download once the
recruitment journey has uploaded one in the same live application."""
axe = Axe()


def _pattern(path: str) -> str:
    """One visit per route shape: /organisations/12 and /organisations/13 are the same page."""
    return re.sub(r"/\d+", "/<id>", path)


def _links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        url = urlparse(href)
        if f"{url.scheme}://{url.netloc}" != origin or url.path.startswith("/static"):
            continue
        if url.path.endswith(DOWNLOADS):
            continue  # spreadsheets are files, not pages
        found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def crawl(page, base_url: str) -> dict[str, list]:
    """Breadth-first from the home page; returns violations per visited page."""
    queue, seen, report = ["/"], set(), {}
    while queue and len(report) < MAX_PAGES:
        path = queue.pop(0)
        key = _pattern(urlparse(path).path)
        if key in seen:
            continue
        seen.add(key)
        response = page.goto(path)
        assert response is not None and response.status < 500, path
        results = axe.run(page, options=AXE_OPTIONS)
        report[path] = [
            (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
            for v in results.response["violations"]
        ]
        queue.extend(_links(page, base_url))
    return report


@pytest.mark.parametrize("email", [u.email for u in USERS])
def test_every_reachable_page_is_accessible(browser, base_url, email):
    context = browser.new_context(base_url=base_url, locale="fr-FR")
    page = context.new_page()
    login(page, email)
    report = crawl(page, base_url)
    context.close()
    assert len(report) >= 3, report.keys()  # home, organisation, account at least
    shapes = {_pattern(urlparse(path).path) for path in report}
    assert {"/mentions-legales", "/accessibilite", "/donnees-personnelles"} <= shapes  # footer
    if email in ("admin@sud-ouest-emploi.example", "commande.publique@ccvg.example"):
        assert "/marches/<id>" in shapes  # the market page, from the operation page
    violations = {path: found for path, found in report.items() if found}
    assert violations == {}


def test_login_and_error_pages_are_accessible(page):
    for path in (
        "/connexion",
        "/page-inexistante",
        "/compte/mot-de-passe/lien-perime",
        "/mentions-legales",
        "/accessibilite",
        "/donnees-personnelles",
    ):
        page.goto(path)
        results = axe.run(page, options=AXE_OPTIONS)
        assert results.response["violations"] == [], path


def test_form_with_errors_is_accessible(page):
    login(page, "admin@sud-ouest-emploi.example")
    page.goto("/organisations/nouvelle")
    page.get_by_role("button", name="Créer l'organisation").click()
    page.locator(".error-summary").wait_for()
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.response["violations"] == []


def test_open_confirmation_dialog_and_step_page_are_accessible(browser, base_url):
    context = browser.new_context(base_url=base_url, locale="fr-FR")
    page = context.new_page()
    login(page, "admin@sud-ouest-emploi.example")
    page.goto("/organisations/?q=Espaces+Verts")
    with page.expect_navigation():  # app.js (which opens the dialog) runs before "load"
        page.get_by_role("link", name=re.compile("Espaces Verts Fictifs")).click()
    button = page.get_by_role("button", name="Désactiver l'organisation")
    button.click()
    page.get_by_role("dialog").wait_for()
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.response["violations"] == []
    page.keyboard.press("Escape")
    # the step page a browser without JavaScript gets: form.submit() skips the dialog
    with page.expect_navigation():
        button.evaluate("b => b.form.submit()")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Désactiver l'entreprise")
    results = axe.run(page, options=AXE_OPTIONS)
    assert results.response["violations"] == []
    context.close()
