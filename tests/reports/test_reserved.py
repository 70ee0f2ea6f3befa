"""The reserved market's annual report (annexe 2; docs/domain.md §9.1): figures of the
market's lots only, the commitments of support against the actions of the year, the
meetings; delivery freezes the figures and invoices the market-year once; scoping."""

from __future__ import annotations

import email
import email.policy
import io
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from portal.extensions import db as _db
from portal.models import AuditEvent, Invoice, OrgKind, Report, SupportAction
from portal.reports import reserved
from portal.rules.support import ActionRow, CommitmentRow, commitments_against_actions
from tests.conftest import CONFIRMED, HTMX, outbox_messages, text_of, versioned, words_of
from tests.factories import (
    make_ccvg_with_communes,
    make_lot,
    make_market,
    make_operation,
    make_org,
    make_user,
)
from tests.people.builders import amoi_user
from tests.quotes.builders import IN_CONVENTION, make_quote
from tests.reports.builders import reserved_market

D = Decimal


def test_commitments_against_actions_hand_computed():
    commitments = [
        CommitmentRow(1, "Entretiens", "Entretiens de suivi", "ACI", D("12"), "entretiens"),
        CommitmentRow(2, "Formation", "Formation", "ACI", D("20"), "heures"),
        CommitmentRow(3, "Immersions", "Immersion", "ACI", D("2"), "immersions"),
        CommitmentRow(4, "Autre", "Autre", "ACI", D("0"), ""),
    ]
    actions = [
        ActionRow(1, date(2025, 12, 31), D("4"), 4),  # another year
        ActionRow(1, date(2026, 1, 1), D("3"), 3),
        ActionRow(1, date(2026, 12, 31), D("5"), 2),
        ActionRow(2, date(2026, 9, 1), D("24"), 2),
        ActionRow(3, date(2026, 5, 1), D("2"), 1),
    ]
    first, second, third, fourth = commitments_against_actions(
        commitments, actions, date(2026, 1, 1), date(2026, 12, 31)
    )
    assert (first.done, first.actions, first.people, first.rate) == (D("8"), 2, 5, D("0.667"))
    assert first.remark == "Écart : reste 4 entretiens à réaliser"
    assert (second.done, second.rate) == (D("24"), D("1.2"))
    assert second.remark == "Engagement dépassé : 4 heures de plus"
    assert third.remark == "Engagement tenu" and third.rate == D("1")
    assert fourth.rate is None and fourth.done == 0


def test_figures_of_the_market_lots_only(app, db):
    world = reserved_market()
    data = reserved.reserved_data(world.market, 2026)
    total = data["total"]
    assert total["people"] == 3 and total["placements"] == 3  # Paul's other market: no
    assert total["hours"]["done"] == "340.00"
    assert total["hours"]["fte"] == "0.19"  # 340 ÷ 1 820 = 0.187
    assert dict(total["exits_end"])["durable"] == 1 and dict(total["exits_end"])["other"] == 1
    assert total["dynamic_rate_end"] == "0.5000"
    assert dict(total["exits_6_months"])["transition"] == 1
    assert total["dynamic_rate_6_months"] == "1.0000"
    assert [m["reference"] for m in total["markets"]] == ["2026-RÉS-001"]
    assert data["market"]["holders"] == ["ACI Les Jardins de l'Écluse"]
    assert data["meetings"]["expected"] == [
        ["Réunion SIAE de démarrage", 1, 1, 0],
        ["Point individuel SIAE en cours d'année", 1, 1, 0],
        ["Réunion collective SIAE de fin d'année", 1, 0, 1],
    ]
    assert [row[1] for row in data["meetings"]["list"]] == [
        "Réunion SIAE de démarrage",
        "Point individuel SIAE en cours d'année",
        "Réunion collective SIAE de fin d'année",
    ]  # the other market's kickoff is not the reserved market's
    interviews, training = data["commitments"]
    assert (interviews["target"], interviews["done"], interviews["rate"]) == (
        "12.00",
        "8.00",
        "0.667",
    )
    assert interviews["people"] == 6 and interviews["actions"] == 2
    assert interviews["remark"] == "Écart : reste 4 entretiens à réaliser"
    assert (training["done"], training["rate"]) == ("24.00", "1.200")
    # the next year: no meeting due at the start any more, no action yet
    later = reserved.reserved_data(world.market, 2027)
    assert [row[0] for row in later["meetings"]["expected"]] == [
        "Point individuel SIAE en cours d'année",
        "Réunion collective SIAE de fin d'année",
    ]
    assert later["commitments"][0]["done"] == "0.00"


def _approved_quote(world, ccvg):
    from portal.quotes import services as quotes

    amoi = amoi_user()
    quote = make_quote(world.operation, amoi, status="submitted", ccvg=ccvg)
    quotes.approve(quote, make_user(ccvg), IN_CONVENTION)
    _db.session.commit()
    return quote


def _subjects(app) -> list[str]:
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)["Subject"]
        for path in outbox_messages(app)
    ]


def test_delivery_freezes_and_invoices_the_market_year_once(app, db, login_as):
    ccvg, (commune,) = make_ccvg_with_communes("Écluse")
    world = reserved_market(commune)
    quote = _approved_quote(world, ccvg)
    (line,) = [row for row in quote.lines if row.billing == "yearly"]
    assert line.market_id == world.market.id and line.period_start == date(2026, 1, 15)
    amoi = amoi_user()
    client = login_as(amoi)
    # the quote page links to the report instead of the typed date
    quote_page = text_of(client.get(f"/devis/{quote.id}"))
    assert f"/bilans/marches/{world.market.id}/2026" in quote_page
    assert "Date de remise du bilan annuel" not in quote_page
    url = f"/bilans/marches/{world.market.id}/2026"
    page = words_of(client.get(url))
    assert "Bilan annuel 2026 du marché réservé" in page and "Projet : chiffres provisoires" in page
    assert "340 h" in page and "Écart : reste 4 entretiens à réaliser" in page
    assert "66,7 %" in page and "Heures prévues" not in page
    assert client.post_form(f"{url}/projet", {}).status_code == 303
    report = _db.session.scalars(select(Report)).one()
    assert (report.kind, report.market_id, report.operation_id, report.year) == (
        "reserved_annual",
        world.market.id,
        world.operation.id,
        2026,
    )
    client.post_form(
        f"/bilans/{report.id}/texte",
        versioned(report, {"pathways": "Trois parcours", "company_relation": "", "actions": ""}),
    )
    # the confirmation step says the invoice will be issued
    asked = words_of(client.post_form(f"/bilans/{report.id}/remettre", versioned(report)))
    assert "La facture du suivi annuel de 1 000,00 €" in asked
    assert _db.session.scalar(select(func.count(Invoice.id)).where(Invoice.kind == "annual")) == 0
    done = client.post_form(f"/bilans/{report.id}/remettre", versioned(report, CONFIRMED))
    assert done.status_code == 303
    _db.session.refresh(report)
    assert report.status == "delivered" and report.invoice is not None
    invoice = report.invoice
    assert (invoice.kind, invoice.amount, invoice.issue_date) == (
        "annual",
        D("1000.00"),
        date.today(),
    )
    _db.session.refresh(line)
    assert line.invoice_id == invoice.id
    assert report.figures["total"]["hours"]["done"] == "340.00"
    assert report.figures["interpretation"]["pathways"] == "Trois parcours"
    assert any("marché réservé remis" in s and "2026-RÉS-001" in s for s in _subjects(app))
    # an action recorded later does not change the delivered report
    siae_client = login_as(make_user(world.siae))
    recorded = siae_client.post_form(
        f"/bilans/engagements/{world.interviews.id}/actions",
        versioned(
            world.interviews,
            {
                f"n{world.interviews.id}-{k}": v
                for k, v in {
                    "day": "2026-11-02",
                    "quantity": "4",
                    "people": "2",
                    "description": "Bilans",
                }.items()
            },
        ),
    )
    assert recorded.status_code == 303
    frozen = words_of(client.get(url))
    assert "Écart : reste 4 entretiens à réaliser" in frozen and "Version 1, remise le" in frozen
    # a new version counts the new action, and does not invoice again
    assert client.post_form(f"{url}/projet", {}).status_code == 303
    newer = words_of(client.get(url))
    assert "remplace la version 1" in newer and "Engagement tenu" in newer
    second = _db.session.scalars(select(Report).where(Report.revision == 2)).one()
    asked = words_of(client.post_form(f"/bilans/{second.id}/remettre", versioned(second)))
    assert "facture" not in asked
    client.post_form(f"/bilans/{second.id}/remettre", versioned(second, CONFIRMED))
    assert _db.session.scalar(select(func.count(Invoice.id)).where(Invoice.kind == "annual")) == 1
    _db.session.refresh(report)
    _db.session.refresh(second)
    assert report.status == "superseded" and second.status == "delivered"
    assert second.invoice_id is None


def test_scoping_of_the_report_and_the_commitments(app, db, login_as):
    ccvg, (commune, other) = make_ccvg_with_communes("Alpha", "Beta")
    world = reserved_market(commune)
    report_url = f"/bilans/marches/{world.market.id}/2026"
    support_url = f"/bilans/marches/{world.market.id}/accompagnement?annee=2026"
    assert login_as(make_user(commune)).get(report_url).status_code == 200
    assert login_as(make_user(ccvg)).get(f"{report_url}/rapport.pdf").status_code == 200
    assert login_as(make_user(other)).get(report_url).status_code == 404
    assert login_as(make_user(other)).get(support_url).status_code == 404
    company = make_user(make_org(OrgKind.COMPANY))
    assert login_as(company).get(report_url).status_code == 403
    assert login_as(company).get(support_url).status_code == 404
    assert login_as(make_user(world.siae)).get(report_url).status_code == 403
    # the buyer reads the commitments, without a form
    buyer_page = words_of(login_as(make_user(commune)).get(support_url))
    assert "Entretiens individuels de suivi" in buyer_page
    assert "Enregistrer une action" not in buyer_page and "Ajouter un engagement" not in buyer_page
    # the SIAE sees its own commitments only, and records its actions
    neighbour = make_org(OrgKind.STRUCTURE, name="ESAT du Val")
    make_lot(world.market, holder=neighbour, number=2, title="Fauchage", planned_hours=None)
    from portal.reports import support

    theirs = support.add_commitment(
        world.market,
        amoi_user(),
        {
            "organisation_id": neighbour.id,
            "label": "Immersions en entreprise",
            "kind": "immersion",
            "target": D("3"),
            "unit": "immersions",
            "note": "",
        },
    )
    _db.session.commit()
    siae = login_as(make_user(world.siae))
    page = words_of(siae.get(support_url))
    assert "Entretiens individuels de suivi" in page and "Immersions en entreprise" not in page
    assert "Enregistrer une action" in page and "Corriger" not in page
    fields = {"day": "2026-11-02", "quantity": "1", "people": "1", "description": ""}
    refused = siae.post_form(
        f"/bilans/engagements/{theirs.id}/actions",
        versioned(theirs, {f"n{theirs.id}-{k}": v for k, v in fields.items()}),
    )
    assert refused.status_code == 404
    action = _db.session.scalars(select(SupportAction)).first()
    assert siae.post_form(f"/bilans/actions/{action.id}", versioned(action)).status_code == 403
    # another reserved market of the territory: not the SIAE's
    elsewhere = make_market(world.operation, reference="2026-RÉS-009", legal_basis="reserved_siae")
    assert siae.get(f"/bilans/marches/{elsewhere.id}/accompagnement").status_code == 404
    # a market that is not reserved has no such pages
    plain = make_market(world.operation, reference="2026-ORD-001")
    amoi = login_as(amoi_user())
    assert amoi.get(f"/bilans/marches/{plain.id}/2026").status_code == 404
    assert amoi.get(f"/bilans/marches/{plain.id}/accompagnement").status_code == 404


def test_amoi_enters_and_corrects_commitments_and_actions(app, db, login_as):
    world = reserved_market()
    client = login_as(amoi_user())
    base = f"/bilans/marches/{world.market.id}"
    bad = client.post_form(
        f"{base}/engagements",
        versioned(
            world.market,
            {
                "new-organisation": str(world.siae.id),
                "new-label": "Immersions",
                "new-kind": "immersion",
                "new-target": "zéro",
                "new-unit": "immersions",
            },
        ),
    )
    assert bad.status_code == 422 and "n'est pas un nombre valide" in text_of(bad)
    good = client.post_form(
        f"{base}/engagements",
        versioned(
            world.market,
            {
                "new-organisation": str(world.siae.id),
                "new-label": "Immersions en entreprise",
                "new-kind": "immersion",
                "new-target": "2,5",
                "new-unit": "immersions",
            },
        ),
    )
    assert good.status_code == 303
    page = words_of(client.get(f"{base}/accompagnement?annee=2026"))
    assert "Immersions en entreprise" in page and "Écart : reste 2,5 immersions à réaliser" in page
    action = _db.session.scalars(
        select(SupportAction).where(SupportAction.day == date(2026, 9, 1))
    ).one()
    prefix = f"a{action.id}-"
    fixed = client.post_form(
        f"/bilans/actions/{action.id}",
        versioned(
            action,
            {
                f"{prefix}day": "2026-09-01",
                f"{prefix}quantity": "20",
                f"{prefix}people": "2",
                f"{prefix}description": "Deux sessions",
            },
        ),
    )
    assert fixed.status_code == 303
    _db.session.refresh(action)
    assert action.quantity == D("20")
    future = client.post_form(
        f"/bilans/actions/{action.id}",
        versioned(
            action,
            {f"{prefix}day": "2099-01-01", f"{prefix}quantity": "1", f"{prefix}people": "0"},
        ),
    )
    assert future.status_code == 409 and "date est à venir" in text_of(future)
    asked = client.post_form(f"/bilans/actions/{action.id}/supprimer", versioned(action))
    assert "Supprimer cette action ?" in words_of(asked)
    action_id = action.id
    gone = client.post_form(f"/bilans/actions/{action_id}/supprimer", versioned(action, CONFIRMED))
    assert gone.status_code == 303
    _db.session.expunge(action)
    assert _db.session.scalar(select(func.count()).where(SupportAction.id == action_id)) == 0
    actions = set(_db.session.scalars(select(AuditEvent.action)))
    assert {
        "support.commitment_created",
        "support.action_recorded",
        "support.action_updated",
        "support.action_deleted",
    } <= actions
    # the market page links to both pages
    market_page = text_of(client.get(f"/marches/{world.market.id}"))
    assert f"{base}/accompagnement" in market_page


def test_pdf_and_xlsx_carry_the_figures(app, db, login_as):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    world = reserved_market()
    client = login_as(amoi_user())
    base = f"/bilans/marches/{world.market.id}/2026/rapport"
    pdf = client.get(f"{base}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    text = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
    assert "Bilan annuel 2026 du marché réservé" in text
    assert "2026-RÉS-001" in text and "ACI Les Jardins de l'Écluse" in text
    assert "340" in text and "Entretiens individuels de suivi" in text
    assert "66,7 %" in text and "Écart : reste 4 entretiens à réaliser" in text
    assert "Réunion collective SIAE de fin d'année" in text
    book = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").data))
    assert {"1 Marché", "2 Bénéficiaires", "5 Engagements"} <= set(book.sheetnames)
    rows = list(book["5 Engagements"].iter_rows(values_only=True))
    values = [cell for row in rows for cell in row]
    assert "Entretiens individuels de suivi" in values and 8 in values and 12 in values
    assert client.get(f"{base}.docx").data.startswith(b"PK")


def test_reports_index_lists_the_reserved_markets(app, db, login_as):
    world = reserved_market()
    page = words_of(login_as(make_user(world.buyer)).get("/bilans/?annee=2026"))
    assert "Marché 2026-RÉS-001 – bilan 2026" in page
    fragment = login_as(make_user(world.buyer)).get("/bilans/?annee=2027", headers=HTMX)
    assert "<html" not in fragment.get_data(as_text=True)
    assert "Marché 2026-RÉS-001 – bilan 2027" in words_of(fragment)


def test_empty_states_of_the_commitments_page(app, db, login_as):
    operation = make_operation(make_org(OrgKind.BUYER), name="Espaces verts")
    market = make_market(operation, reference="2026-RÉS-300", legal_basis="reserved_siae")
    siae = make_org(OrgKind.STRUCTURE, name="ACI du Garon")
    make_lot(market, holder=siae, number=1, title="Tonte", planned_hours=None)
    url = f"/bilans/marches/{market.id}/accompagnement"
    amoi = words_of(login_as(amoi_user()).get(url))
    assert "Aucun engagement d'accompagnement n'est saisi pour ce marché." in amoi
    assert "Saisissez ci-dessous les engagements du mémoire technique" in amoi
    holder = words_of(login_as(make_user(siae)).get(url))
    assert "L'AMO Insertion les saisit à partir du mémoire technique" in holder
    report = words_of(login_as(amoi_user()).get(f"/bilans/marches/{market.id}/2026"))
    assert "Aucun engagement d'accompagnement n'est saisi pour ce marché." in report
