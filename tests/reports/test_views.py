"""The report pages: a delivered report is frozen, the final report issues the balance
invoice once, scoping (docs/domain.md §9; issue 12)."""

from __future__ import annotations

import email
import email.policy
from datetime import date

from sqlalchemy import func, select

from portal.extensions import db as _db
from portal.models import AuditEvent, Invoice, OrgKind, Report
from tests.conftest import CONFIRMED, outbox_messages, versioned, words_of
from tests.factories import make_ccvg_with_communes, make_org, make_user
from tests.people.builders import amoi_user
from tests.quotes.builders import IN_CONVENTION, make_quote
from tests.reports.builders import small_operation
from tests.statements.builders import hour_line


def _open(client, operation, year):
    return client.post_form(
        f"/bilans/operations/{operation.id}/projet", {"year": "" if year is None else str(year)}
    )


def test_amoi_writes_delivers_and_the_report_stays_frozen(app, db, login_as):
    world = small_operation()
    amoi = amoi_user()
    client = login_as(amoi)
    page = client.get(f"/bilans/operations/{world.operation.id}/2027")
    assert page.status_code == 200
    text = words_of(page)
    assert "Bilan annuel 2027" in text and "Projet : chiffres provisoires" in text
    assert "210 h" in text and "14 %" in text and "1820" in text
    assert _open(client, world.operation, 2027).status_code == 303
    report = _db.session.scalars(select(Report)).one()
    saved = client.post_form(
        f"/bilans/{report.id}/texte",
        versioned(report, {"pathways": "Trois parcours", "company_relation": "", "actions": ""}),
    )
    assert saved.status_code == 303
    _db.session.refresh(report)
    assert report.pathways == "Trois parcours"
    delivered = client.post_form(f"/bilans/{report.id}/remettre", versioned(report, CONFIRMED))
    assert delivered.status_code == 303
    _db.session.refresh(report)
    assert report.status == "delivered" and report.figures["total"]["hours"]["done"] == "210.00"
    assert report.figures["interpretation"]["pathways"] == "Trois parcours"
    # a statement validated later does not change the delivered report
    hour_line(world.zoe_b, date(2027, 7, 1), "500")
    _db.session.commit()
    again = words_of(client.get(f"/bilans/operations/{world.operation.id}/2027"))
    assert "210 h" in again and "710 h" not in again and "Trois parcours" in again
    assert "Version 1, remise le" in again
    # a new version says which one it replaces, and counts the new line
    assert _open(client, world.operation, 2027).status_code == 303
    newer = words_of(client.get(f"/bilans/operations/{world.operation.id}/2027"))
    assert "remplace la version 1" in newer and "710 h" in newer
    actions = set(_db.session.scalars(select(AuditEvent.action)))
    assert {"report.created", "report.text_saved", "report.delivered"} <= actions
    assert "report.new_version" in actions
    # a delivered report refuses a text change
    refused = client.post_form(f"/bilans/{report.id}/texte", versioned(report, {"pathways": "x"}))
    assert refused.status_code == 409


def test_final_report_issues_the_balance_invoice_once(app, db, login_as):
    ccvg, (commune,) = make_ccvg_with_communes("Écluse")
    world = small_operation(commune)
    amoi = amoi_user()
    quote = make_quote(world.operation, amoi, status="submitted", ccvg=ccvg)
    from portal.quotes import services as quotes

    quotes.approve(quote, make_user(ccvg), IN_CONVENTION)
    _db.session.commit()
    client = login_as(amoi)
    _open(client, world.operation, None)
    report = _db.session.scalars(select(Report)).one()
    assert report.year is None and report.kind == "operation_final"
    page = words_of(client.get(f"/bilans/operations/{world.operation.id}/final"))
    assert "250 h" in page and "facture de solde" in page
    client.post_form(f"/bilans/{report.id}/remettre", versioned(report, CONFIRMED))
    kinds = list(_db.session.scalars(select(Invoice.kind).order_by(Invoice.id)))
    assert kinds == ["deposit", "balance"]
    subjects = [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)["Subject"]
        for path in outbox_messages(app)
    ]
    assert any(s.startswith("Bilan final remis") for s in subjects)  # the buyer is told
    _db.session.refresh(report)
    assert report.invoice is not None and report.invoice.kind == "balance"
    _open(client, world.operation, None)
    second = _db.session.scalars(select(Report).where(Report.revision == 2)).one()
    client.post_form(f"/bilans/{second.id}/remettre", versioned(second, CONFIRMED))
    assert _db.session.scalar(select(func.count(Invoice.id))) == 2  # once only
    _db.session.refresh(report)
    assert report.status == "superseded"


def test_scoping_commune_ccvg_company(app, db, login_as):
    ccvg, (commune, other) = make_ccvg_with_communes("Alpha", "Beta")
    world = small_operation(commune)
    url = f"/bilans/operations/{world.operation.id}/2027"
    assert login_as(make_user(commune)).get(url).status_code == 200
    assert login_as(make_user(ccvg)).get(url).status_code == 200
    assert login_as(make_user(other)).get(url).status_code == 404
    assert login_as(make_user(make_org(OrgKind.COMPANY))).get(url).status_code == 403
    assert login_as(make_user(make_org(OrgKind.STRUCTURE))).get("/bilans/").status_code == 403
    listing = words_of(login_as(make_user(other)).get("/bilans/"))
    assert "Groupe scolaire des Érables" not in listing
    buyer = words_of(login_as(make_user(commune)).get("/bilans/?annee=2027"))
    assert "Groupe scolaire des Érables" in buyer


def test_downloads_pdf_and_xlsx_carry_the_figures(app, db, login_as):
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    ccvg, (commune,) = make_ccvg_with_communes("Écluse")
    world = small_operation(commune)
    client = login_as(make_user(ccvg))
    base = f"/bilans/operations/{world.operation.id}/2027/rapport"
    pdf = client.get(f"{base}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    text = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
    assert "Groupe scolaire des Érables" in text
    assert "2027-ÉCL-001" in text and "Gros œuvre" in text
    assert "210" in text and "Taux de sorties dynamiques" in text
    xlsx = client.get(f"{base}.xlsx")
    book = load_workbook(io.BytesIO(xlsx.data))
    assert {"1 Heures", "2 Marchés", "4 Typologie", "6 Sorties"} <= set(book.sheetnames)
    values = [cell for row in book["1 Heures"].iter_rows(values_only=True) for cell in row]
    assert "Heures réalisées (validées)" in values and 210 in values
    docx = client.get(f"/bilans/operations/{world.operation.id}/final/rapport.docx")
    assert docx.status_code == 200 and docx.data.startswith(b"PK")
    assert client.get(f"{base}.odt").status_code == 404


def test_territory_report_per_buyer_and_pilotage_invoice(app, db, login_as):
    from portal.models import Quote, QuoteKind
    from portal.quotes import services as quotes

    ccvg, (alpha, _beta) = make_ccvg_with_communes("Alpha", "Beta")
    world = small_operation(alpha)
    world.operation.status = "running"
    _db.session.commit()
    amoi = amoi_user()
    client = login_as(amoi)
    page = words_of(client.get("/bilans/territoire/2027"))
    assert "Bilan annuel 2027 du territoire" in page
    assert "Alpha (1 opération)" in page and "210 h" in page
    assert login_as(make_user(alpha)).get("/bilans/territoire/2027").status_code == 403
    assert login_as(make_user(ccvg)).get("/bilans/territoire/2027").status_code == 200
    # the 2024 pilotage quote, approved: the territory report 2024 invoices it, once
    pilotage = quotes.create_quote(
        kind=QuoteKind.PILOTAGE, quote_date=IN_CONVENTION, user=amoi, pilotage_year=2024, ccvg=ccvg
    )
    quotes.submit(pilotage, amoi)
    quotes.approve(pilotage, make_user(ccvg), IN_CONVENTION)
    _db.session.commit()
    page = words_of(client.get("/bilans/territoire/2024"))
    assert "Ouvrir le projet de bilan" in page
    client.post_form("/bilans/territoire/2024/projet", {})
    report = _db.session.scalars(select(Report).where(Report.kind == "territory_annual")).one()
    dialog = words_of(client.get("/bilans/territoire/2024"))
    assert f"Le pilotage 2024 sera facturé (devis {pilotage.display_number})" in dialog
    client.post_form(f"/bilans/{report.id}/remettre", versioned(report, CONFIRMED))
    _db.session.refresh(report)
    assert report.status == "delivered" and report.invoice is not None
    assert report.figures["lots"][0]["label"] == "Commune de Alpha (1 opération)"
    assert _db.session.get(Quote, pilotage.id).status == "invoiced_balance"
    kinds = list(_db.session.scalars(select(Invoice.kind).where(Invoice.quote_id == pilotage.id)))
    assert kinds == ["full"]
    client.post_form("/bilans/territoire/2024/projet", {})
    second = _db.session.scalars(select(Report).where(Report.revision == 2)).one()
    client.post_form(f"/bilans/{second.id}/remettre", versioned(second, CONFIRMED))
    assert _db.session.scalar(select(func.count(Invoice.id))) == 1  # once only
