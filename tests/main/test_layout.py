"""The page frame (issue 8): footer pages readable anonymously and linked from every page,
breadcrumbs without a dangling separator, the menu button, htmx configured before it loads
(no injected indicator styles under ``style-src 'self'``)."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from portal.models import OrgKind
from tests.conftest import text_of, words_of
from tests.factories import make_admin, make_lot, make_market, make_operation, make_org, make_user

FOOTER_PAGES = {
    "/mentions-legales": ("Mentions légales", "Directeur ou directrice de la publication"),
    "/accessibilite": ("Déclaration d'accessibilité", "non conforme"),
    "/donnees-personnelles": ("Données personnelles", "Responsable du traitement"),
}


@pytest.mark.parametrize("path", FOOTER_PAGES)
def test_footer_pages_are_public(client, path):
    response = client.get(path)
    assert response.status_code == 200
    title, marker = FOOTER_PAGES[path]
    seen = words_of(response)
    assert f"{title} – Passerelle" in seen and marker in seen


def test_accessibility_statement_is_honest_and_gives_the_recourse(client):
    seen = words_of(client.get("/accessibilite"))
    assert "est non conforme avec le référentiel général d'amélioration" in seen
    assert "aucun audit de conformité n'a encore été réalisé" in seen
    assert "Défenseur des droits" in seen and "Libre réponse 71120" in seen
    assert "Retour d'information et contact" in seen


def test_personal_data_page_says_purposes_retention_rights(app, client):
    app.config["LEGAL_CONTACT"] = "dpo@amoi.example"
    seen = words_of(client.get("/donnees-personnelles"))
    for heading in ("Finalités", "Bases légales", "Données traitées", "Vos droits"):
        assert heading in seen
    assert "30 minutes sans activité, 10 heures au plus" in seen  # from the settings
    assert "dpo@amoi.example" in seen and "www.cnil.fr" in seen


def test_legal_notice_reads_the_payee_block_and_says_what_is_missing(client, db):
    from portal.models import Setting

    db.session.add_all(
        [
            Setting(key="payee_name", value="Sud-Ouest Emploi"),
            Setting(key="payee_siret", value="44023823600028"),
        ]
    )
    db.session.commit()
    seen = words_of(client.get("/mentions-legales"))
    assert "édité par Sud-Ouest Emploi" in seen
    assert "440 238 236 00028" in seen
    assert "non renseigné par l'exploitant du portail" in seen  # no host configured


def _footer_links(html: str) -> set[str]:
    footer = html[html.index('<footer class="site-footer">') :]
    return set(re.findall(r'href="([^"]+)"', footer))


def test_every_page_links_the_footer_pages(client, login_as):
    anonymous = _footer_links(text_of(client.get("/connexion")))
    assert {"/mentions-legales", "/accessibilite", "/donnees-personnelles"} <= anonymous
    assert "/regles" not in anonymous  # the rules page needs an account
    logged = _footer_links(text_of(login_as(make_user()).get("/")))
    assert {"/regles", "/mentions-legales", "/accessibilite", "/donnees-personnelles"} <= logged
    missing = _footer_links(text_of(client.get("/page-inexistante")))
    assert "/accessibilite" in missing


def test_htmx_config_precedes_htmx_and_turns_its_styles_off(client):
    html = text_of(client.get("/connexion"))
    meta = re.search(r"<meta name=\"htmx-config\"\s+content='([^']+)'>", html)
    assert meta, "the htmx-config meta tag"
    script = html.index("vendor/htmx-")
    assert meta.start() < script  # htmx reads it once, when it loads
    config = json.loads(unescape(meta.group(1)))
    assert config["includeIndicatorStyles"] is False  # no inline <style> under the CSP
    assert config["allowEval"] is False


def test_menu_button_controls_the_menu(login_as):
    html = text_of(login_as(make_user()).get("/"))
    button = re.search(r"<button[^>]*data-menu-toggle[^>]*>", html).group(0)
    assert 'aria-expanded="false"' in button and 'aria-controls="site-menu"' in button
    assert 'id="site-menu"' in html
    assert "Navigation principale" in html[html.index('id="site-menu"') :]


def _breadcrumb(html: str) -> str:
    match = re.search(r'<nav class="breadcrumb" aria-label="Fil d\'Ariane">(.*?)</nav>', html, re.S)
    assert match, "a breadcrumb navigation"
    return match.group(1)


def test_breadcrumbs_are_an_ordered_list_without_trailing_separator(login_as):
    op = make_operation(make_org(OrgKind.BUYER), name="Gymnase")
    market = make_market(op, reference="2026-BRI-003")
    lot = make_lot(market, number=2, title="Gros œuvre")
    client = login_as(make_admin())
    for url, trail in [
        (f"/operations/{op.id}", ["Opérations", "Gymnase"]),
        (f"/marches/{market.id}", ["Opérations", "Gymnase", "Marché 2026-BRI-003"]),
        (f"/lots/{lot.id}", ["Opérations", "Gymnase", "Marché 2026-BRI-003", "Lot 2 – Gros œuvre"]),
        (
            f"/lots/{lot.id}/modifier",
            ["Opérations", "Gymnase", "Marché 2026-BRI-003", "Modifier le lot"],
        ),
    ]:
        crumb = _breadcrumb(text_of(client.get(url)))
        assert crumb.strip().startswith("<ol>")
        labels = [
            re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", crumb, re.S)
        ]
        assert labels == trail, url
        assert "›" not in crumb  # separators come from the stylesheet, between items only
        last = re.findall(r"<li>(.*?)</li>", crumb, re.S)[-1]
        assert 'aria-current="page"' in last and "href" not in last


def test_a_company_lot_breadcrumb_does_not_open_the_market(login_as):
    company = make_org(OrgKind.COMPANY)
    lot = make_lot(make_market(), holder=company, number=1, title="Peinture")
    html = text_of(login_as(make_user(company)).get(f"/lots/{lot.id}"))
    crumb = _breadcrumb(html)
    assert "Mes lots" in crumb and "/marches/" not in html


def test_labour_share_is_spelled_out(login_as, db):
    from decimal import Decimal

    from portal.markets.services import record_calculation
    from portal.rules.hours import insertion_hours

    admin = make_admin()
    lot = make_lot(make_market(), planned_hours=None)
    calculation = insertion_hours(Decimal(1_000_000), Decimal("0.5"), Decimal(30), Decimal("0.05"))
    record_calculation(lot, calculation, admin)
    db.session.commit()
    seen = words_of(login_as(admin).get(f"/lots/{lot.id}"))
    assert "Part de main-d'œuvre" in seen and "833 h" in seen
    assert "Part MO" not in seen
