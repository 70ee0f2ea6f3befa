"""Issue 10's journey: the ETTI uploads a statement with one bad line, sees the error in
the preview, uploads the fixed file and confirms; the AMOI proposes to refuse a line with a
reason; the commune that owns the lot confirms the refusal; the statement's page shows the
refused line and the validated hours; the lot's progress counts the validated hours of
October and not the refused line. axe runs on every page reached."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import login, logout
from tests.browser.test_people_journey import accessible, nav

OCTOBER = "10/2026"  # the ETTI's late month in the demo: nothing received yet
HEADER = "Nom;Prénom;Date de naissance;Lot;Mois;Heures travaillées;Dont heures de formation"


def _etti_lines(live_app) -> tuple[list[tuple[str, str, str, str]], str]:
    """The ETTI's placements working in October 2026 (the person, the lot's reference, its
    buyer's name), the commune's lot first."""
    from datetime import date

    from portal.models import Organisation, Placement

    with live_app.app_context():
        from portal.extensions import db

        etti = db.session.scalars(
            select(Organisation).where(Organisation.structure_kind == "ETTI")
        ).one()
        rows = []
        for placement in db.session.scalars(
            select(Placement).where(
                Placement.employer_id == etti.id,
                Placement.status == "active",
                Placement.start_date < date(2026, 11, 1),
            )
        ):
            person, lot = placement.participant, placement.lot
            buyer = lot.market.operation.buyer
            reference = f"{lot.market.reference} lot {lot.number}"
            rows.append(
                (
                    buyer.parent_id is None,
                    (
                        person.last_name,
                        person.first_name,
                        f"{person.birth_date:%d/%m/%Y}",
                        reference,
                    ),
                    buyer.name,
                )
            )
        rows.sort(key=lambda row: row[0])  # a commune's lot (with a parent) first
        assert rows and not rows[0][0], "the demo ETTI works on a commune's lot in October"
        return [row[1] for row in rows], rows[0][2]


def _csv(lines, hours: list[str]) -> bytes:
    body = [
        ";".join((*line, OCTOBER, worked, "0")) for line, worked in zip(lines, hours, strict=True)
    ]
    return ("\n".join((HEADER, *body)) + "\n").encode("utf-8")


def _upload(page, data: bytes) -> None:
    page.get_by_label("Fichier du relevé (CSV ou XLSX)").set_input_files(
        files=[{"name": "releve-octobre.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Prévisualiser").click()


def test_the_etti_uploads_the_amoi_proposes_the_commune_confirms(page, live_app):
    lines, commune = _etti_lines(live_app)
    hours = ["120,5"] + ["100"] * (len(lines) - 1)
    commune_email = "marches@" + commune.removeprefix("Commune de ").lower() + ".example"

    # 1. The ETTI uploads a file with one bad line, reads the error, fixes it, confirms.
    login(page, "contact@etti-demo.example")
    nav(page).get_by_role("link", name="Relevés d'heures").click()
    page.get_by_role("link", name="Déposer un relevé").click()
    accessible(page)
    _upload(page, _csv(lines, ["300", *hours[1:]]))
    expect(page.get_by_text("rien n'a été enregistré")).to_be_visible()
    expect(page.get_by_role("table", name="Lignes en erreur")).to_contain_text("250")
    accessible(page)
    _upload(page, _csv(lines, hours))
    page.get_by_role("button", name="Confirmer le dépôt").click()
    expect(page.get_by_text("Le relevé est déposé")).to_be_visible()
    logout(page)

    # 2. The AMOI finds it in its queue and proposes to refuse the commune's line.
    login(page, "charge.mission@sud-ouest-emploi.example")
    page.get_by_role("link", name=re.compile("relevés? d'heures à valider")).click()
    accessible(page)
    page.get_by_label("Organisation").select_option(label="Intérim Insertion Démo (ETTI fictive)")
    page.get_by_role("button", name="Filtrer").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Octobre 2026").click()
    accessible(page)
    first = lines[0]
    reference = first[3]
    row = page.get_by_role("row").filter(has_text=reference)
    row.get_by_role("checkbox").check()
    reason = "Heures déclarées pendant la fermeture du chantier"
    row.get_by_role("textbox").fill(reason)
    page.get_by_role("button", name="Proposer le refus des lignes cochées").click()
    page.get_by_role("dialog").get_by_role("button", name="Proposer le refus").click()
    expect(page.get_by_text("est proposé au maître d'ouvrage")).to_be_visible()
    logout(page)

    # 3. The commune that owns the lot confirms the refusal, with a comment.
    login(page, commune_email)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("dont l'AMOI propose le refus")).click()
    accessible(page)
    card = page.locator("li.panel").filter(has_text=reason)
    expect(card).to_contain_text("Intérim Insertion Démo")
    expect(card).not_to_contain_text(first[0].upper())
    card.get_by_label(re.compile("Confirmer le refus")).check()
    card.get_by_label("Commentaire").fill("Le chantier était fermé : refus confirmé.")
    card.get_by_role("button", name="Enregistrer la décision").click()
    card.get_by_role("dialog").get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Le refus est confirmé")).to_be_visible()
    logout(page)

    # 4. The ETTI's statement shows the refused line and the validated hours.
    login(page, "contact@etti-demo.example")
    nav(page).get_by_role("link", name="Relevés d'heures").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Octobre 2026").click()
    accessible(page)
    refused = page.get_by_role("row").filter(has_text=reason)
    expect(refused).to_contain_text("Refusée")
    expect(refused).to_contain_text("Le chantier était fermé")
    validated = sum(float(h.replace(",", ".")) for h in hours[1:])
    expect(page.locator("dl.facts")).to_contain_text(
        re.compile(
            r"Heures validées\s+" + (f"{validated:g}".replace(".", ",") if validated else "0")
        )
    )

    # 5. The progress of the lot of a validated line counts its October hours (the hours of
    #    the refused line do not count): computed here from the hour lines themselves.
    assert len(lines) > 1, "the demo ETTI has a second placement working in October"
    lot_id, october = _october_validated(live_app, lines[1][3])
    assert october > 0
    logout(page)
    login(page, "charge.mission@sud-ouest-emploi.example")
    page.goto(f"/lots/{lot_id}")
    accessible(page)
    page.get_by_text("Tableau des heures validées par mois").click()
    row = page.get_by_role("row").filter(has_text=re.compile(r"octobre 2026", re.I))
    expect(row).to_contain_text(_hours(october))


def _october_validated(live_app, reference: str):
    """The lot of ``reference`` and its validated hours of October 2026, summed from the
    hour lines (not through the page's progress code)."""
    from datetime import date

    from portal.extensions import db
    from portal.models import HourLine, Placement
    from portal.statements.services import lot_reference

    with live_app.app_context():
        total = {}
        for line in db.session.scalars(
            select(HourLine).where(
                HourLine.month == date(2026, 10, 1), HourLine.status == "validated"
            )
        ):
            lot = db.session.get(Placement, line.placement_id).lot
            if lot is not None and lot_reference(lot) == reference:
                total[lot.id] = total.get(lot.id, 0) + line.hours
        [(lot_id, hours)] = total.items()
        return lot_id, hours


def _hours(value) -> str:
    from portal.formatting import hours

    return hours(value)
