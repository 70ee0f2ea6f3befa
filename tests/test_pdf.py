"""PDF documents (docs/architecture.md §7): quotes, invoices and the yearly recap through
``portal.documents.pdf.render_pdf``, read back with pypdf: French text and amounts, the embedded
font, "Page X / Y", repeated table headers, the issuer block on every page, and a
resource policy that lets a document read the fonts and nothing else."""

from __future__ import annotations

import base64
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from PIL import Image
from pypdf import PdfReader

from portal.documents import pdf
from portal.extensions import db
from portal.models import Invoice, InvoiceKind, OrgKind, Quote, QuoteLineRow, Setting
from portal.quotes import services as quote_service
from portal.rules import deadlines, tariffs
from portal.rules.workflow import QuoteStatus
from tests.factories import make_ccvg_with_communes, make_operation, make_org, make_user

PAYEE = {
    "payee_name": "Sud-Ouest Emploi",
    "payee_address": "Maison de l'emploi, bâtiment B\n12 rue de la Gare\n69530 Brignais",
    "payee_siret": "12345678900011",
    "payee_vat_regime": "not_subject",
    "payee_vat_number": "",
    "payee_vat": "Mention TVA de l'émetteur (test)",
    "payee_iban": "FR76 3000 6000 0112 3456 7890 189",
    "payee_bic": "AGRIFRPP",
    "payee_contact": "facturation@sud-ouest-emploi.example",
}
HEADER = ("Désignation", "Quantité", "Unité", "Prix unitaire", "Montant")


def plain(text: str) -> str:
    """Text with babel's no-break spaces (U+202F, U+00A0) as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def flat(text: str) -> str:
    """Text on one line, runs of spaces and line breaks as one space: table cells and
    wrapped lines read in order, whatever the layout."""
    return " ".join(plain(text).split())


def pages_text(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF-")
    return [flat(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def drawing_fonts(data: bytes) -> set[str]:
    """The base fonts of every piece of visible text of the document."""
    fonts: set[str] = set()

    def visit(text, _cm, _tm, font, _size):
        if text.strip() and font is not None:
            fonts.add(str(font["/BaseFont"]))

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return fonts


def page_images(data: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)


def line(position: int, label: str, amount: str = "1250.00", **values) -> QuoteLineRow:
    return QuoteLineRow(
        position=position,
        code=values.pop("code", "lot_package"),
        label=label,
        quantity=values.pop("quantity", Decimal("1")),
        unit=values.pop("unit", "forfait"),
        unit_amount=values.pop("unit_amount", Decimal(amount)),
        amount=Decimal(amount),
        **values,
    )


def make_quote(buyer, lines: list[QuoteLineRow], **values) -> Quote:
    operation = values.pop("operation", None) or make_operation(
        buyer, name="Réhabilitation de l'école « Les Tilleuls »"
    )
    quote = Quote(
        buyer_id=buyer.id,
        operation_id=operation.id,
        quote_date=date(2026, 11, 25),
        number="DEV-2026-0007",
        status=QuoteStatus.APPROVED.value,
        grid_code=tariffs.CONVENTION_2022.code,
        total=sum((row.amount for row in lines), Decimal("0.00")),
        **values,
    )
    quote.lines = lines
    db.session.add(quote)
    db.session.commit()
    return quote


def render_quote(app, quote: Quote, schedule=None) -> bytes:
    with app.test_request_context():
        return pdf.render_pdf(
            "pdf/quote.html",
            quote=quote,
            payee=PAYEE,
            schedule=schedule or tariffs.payment_schedule(quote.total),
            valid_until=deadlines.quote_valid_until(quote.quote_date),
            grid_label=tariffs.CONVENTION_2022.label,
        )


def commune_quote():
    ccvg, (commune,) = make_ccvg_with_communes("Brignais")
    quote = make_quote(
        commune,
        [
            line(1, "Marché 2026-T-001 – Lot 2 Gros œuvre : Forfait lot 456 à 1 820 h (2,5 jours)"),
            line(
                2,
                "Marché 2026-T-001 – Lot 3 Charpente : 4 000 h, au-delà du barème : sur devis",
                "3000.00",
                code="lot_manual",
                quantity=Decimal("6"),
                unit="jour",
                unit_amount=Decimal("500.00"),
                manual=True,
                justification="Chantier en site occupé, phasage en trois tranches",
            ),
        ],
    )
    return ccvg, commune, quote


# --- quotes -------------------------------------------------------------------------------


def test_quote_prints_french_text_and_amounts(app):
    ccvg, commune, quote = commune_quote()

    (text,) = pages_text(render_quote(app, quote))

    assert "Devis n° DEV-2026-0007" in text
    assert "25/11/2026" in text
    assert "Opération" in text
    assert "Réhabilitation de l'école « Les Tilleuls »" in text
    assert f"À l'attention de {ccvg.name}" in text
    assert f"Commune concernée {commune.name}" in text
    for title in HEADER:
        assert title in text
    assert "Lot 2 Gros œuvre" in text
    assert "1 250,00 €" in text
    assert "Justification : Chantier en site occupé, phasage en trois tranches" in text
    assert "500,00 €" in text and "3 000,00 €" in text
    assert "Total du devis 4 250,00 €" in text
    assert PAYEE["payee_vat"] in text
    # the payment schedule: 50 % / 50 %, adding up to the total
    assert "Échéancier de paiement" in text
    assert "Acompte à la validation du devis 50 % 2 125,00 €" in text
    assert "Solde à la remise du bilan final 50 % 2 125,00 €" in text
    # valid 3 months; the grid by its label; no internal note (the "451 h" reading
    # belongs to the rules page)
    assert "Date du devis 25/11/2026 Valable jusqu'au 24/02/2027" in text
    assert "Barème appliqué : Convention cadre 2022 – annexe 2." in text
    assert "convention_2022" not in text
    assert "451" not in text and tariffs.BRACKET_NOTE[:40] not in text
    # the acceptance block, blank until the CCVG decides
    assert "Acceptation du devis Devis valable jusqu'au 24/02/2027" in text
    assert "« Bon pour accord » Date : Nom et qualité du signataire :" in text
    assert "Signature et cachet de l'acheteur" in text
    assert "Motif du refus" not in text
    # the issuer's identity and the page footer
    assert (
        "Sud-Ouest Emploi Maison de l'emploi, bâtiment B – 12 rue de la Gare – 69530 Brignais"
        in text
    )
    assert "SIRET : 12345678900011" in text
    assert "Page 1 / 1" in text


def test_quote_to_the_ccvg_itself_names_no_commune(app):
    ccvg = make_org(OrgKind.BUYER, name="Communauté de communes de la Vallée du Garon")
    quote = make_quote(ccvg, [line(1, "Forfait lot 1 à 455 h (1,5 jour)", "750.00")])

    (text,) = pages_text(render_quote(app, quote))

    assert "À l'attention de Communauté de communes de la Vallée du Garon" in text
    assert "Commune concernée" not in text
    assert "Total du devis 750,00 €" in text


def test_pilotage_quote_without_operation(app):
    ccvg = make_org(OrgKind.BUYER, name="Communauté de communes de la Vallée du Garon")
    pilotage = tariffs.pilotage_line(2026, tariffs.CONVENTION_2022)
    quote = Quote(
        kind="pilotage",
        buyer_id=ccvg.id,
        pilotage_year=2026,
        quote_date=date(2026, 1, 15),
        total=pilotage.amount,
    )
    quote.lines = [
        line(
            1,
            pilotage.label,
            "1500.00",
            quantity=Decimal("3"),
            unit="jour",
            unit_amount=Decimal("500.00"),
        )
    ]
    db.session.add(quote)
    db.session.commit()

    (text,) = pages_text(render_quote(app, quote, tariffs.pilotage_payment_schedule(quote.total)))

    assert f"Devis – Brouillon n°{quote.id}" in text  # not numbered yet
    assert "Objet Pilotage annuel 2026" in text
    assert "Opération" not in text
    assert "montant à confirmer" in text
    assert "Paiement à la remise du bilan annuel 100 % 1 500,00 €" in text


def test_rejected_quote_prints_the_reason_and_no_acceptance_block(app):
    _, _, quote = commune_quote()
    quote.status = QuoteStatus.REJECTED.value
    quote.decision_comment = "La part plâtrerie relève de l'entreprise générale."
    db.session.commit()

    (text,) = pages_text(render_quote(app, quote))

    assert "Statut Refusé" in text
    assert "Motif du refus La part plâtrerie relève de l'entreprise générale." in text
    assert "Bon pour accord" not in text and "Acceptation du devis" not in text


def test_approved_quote_fills_the_acceptance_block(app):
    ccvg, _, quote = commune_quote()
    approver = make_user(ccvg, name="Nadia Roux")
    quote.decided_by_id = approver.id
    quote.decided_at = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
    db.session.commit()

    (text,) = pages_text(render_quote(app, quote))

    assert "« Bon pour accord » Date : 30/11/2026 à 10:15" in text  # Paris time
    assert f"Nom et qualité du signataire : Nadia Roux, {ccvg.name}" in text
    assert "Validé dans Passerelle (validation électronique)" in text


def test_long_quote_repeats_header_and_issuer_on_every_page(app):
    _, (commune,) = make_ccvg_with_communes("Millery")
    lines = [line(n, f"Lot {n} Gros œuvre : forfait", "750.00") for n in range(1, 36)]
    quote = make_quote(commune, lines)

    pages = pages_text(render_quote(app, quote))

    assert len(pages) == 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} / 2" in text
        assert text.startswith("Sud-Ouest Emploi Maison de l'emploi")
        assert "SIRET : 12345678900011 Contact facturation" in text
        assert " ".join(HEADER) in text  # the header row, repeated
    # the table runs over both pages: its last line and its total are on page 2
    assert "Lot 1 Gros œuvre" in pages[0]
    assert "Lot 35 Gros œuvre" in pages[1] and "Lot 35 Gros œuvre" not in pages[0]
    assert "Total du devis 26 250,00 €" in pages[1]


def test_dejavu_sans_is_embedded_and_draws_all_the_text(app):
    _, _, quote = commune_quote()

    data = render_quote(app, quote)

    for page in PdfReader(io.BytesIO(data)).pages:
        fonts = page["/Resources"]["/Font"]
        names = {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
        assert any("DejaVuSans" in name for name in names), names
        assert any("DejaVuSans-Bold" in name for name in names), names
    # reportlab's canvas declares Helvetica for its empty initial text state; every
    # visible character (€, œ, «, é…) is drawn with DejaVu Sans
    used = drawing_fonts(data)
    assert used and all("DejaVuSans" in name for name in used), used


def test_amount_is_not_split_at_its_thousands_separator(app):
    """babel's U+202F is a line-break opportunity for xhtml2pdf: render_pdf turns it
    into a no-break space, so an amount in a narrow column stays on one line."""
    template = app.jinja_env.from_string(
        '<html><head><meta charset="utf-8"></head><body><table><tr>'
        '<td width="45pt">{{ amount|money }}</td><td>fin</td></tr></table></body></html>'
    )
    with app.test_request_context():
        data = pdf.render_pdf(template, amount=Decimal("1250"))

    (text,) = pages_text(data)
    assert "1 250,00 €" in text


# --- invoices -----------------------------------------------------------------------------


CCVG_ADDRESS = "262 rue Barthélémy Thimonnier\n69530 Brignais"
ISSUED_ON = date(2026, 12, 2)


def set_payee(**overrides) -> None:
    """The payee block as an AMOI admin enters it (/admin/facturation)."""
    for key, value in {**PAYEE, **overrides}.items():
        setting = db.session.get(Setting, key)
        if setting is None:
            db.session.add(Setting(key=key, value=value))
        else:
            setting.value = value
    db.session.commit()


def make_invoice(quote: Quote, **payee) -> Invoice:
    """The deposit invoice, issued the way the screens issue it: the CCVG approves the
    submitted quote (``services.quotes.approve`` → ``services.invoices.issue_invoice``),
    which freezes the payee block, the billed party and the Chorus Pro references."""
    set_payee(**payee)
    buyer = quote.buyer
    ccvg = buyer.parent or buyer
    ccvg.address, ccvg.siret = CCVG_ADDRESS, "99900000300015"
    quote.status = QuoteStatus.SUBMITTED.value
    quote.service_code, quote.commitment_number = "SCCPAJ", "ENG-2026-0042"
    db.session.commit()
    invoice = quote_service.approve(quote, make_user(ccvg), ISSUED_ON)
    db.session.commit()
    assert invoice is not None and invoice.kind == InvoiceKind.DEPOSIT
    return invoice


def render_invoice(app, invoice: Invoice, **context) -> bytes:
    with app.test_request_context():
        return pdf.render_pdf("pdf/invoice.html", invoice=invoice, **context)


def test_commune_invoice_prints_what_a_public_accountant_checks(app):
    ccvg, commune, quote = commune_quote()
    invoice = make_invoice(quote)

    (text,) = pages_text(render_invoice(app, invoice))

    assert invoice.number == "FAC-2026-0001"  # the year's first, gapless
    assert "Facture n° FAC-2026-0001" in text
    # both parties, with their full address and SIRET; the commune named
    assert (
        "Émetteur Sud-Ouest Emploi Maison de l'emploi, bâtiment B 12 rue de la Gare "
        "69530 Brignais SIRET : 12345678900011 Facturé à"
    ) in text
    assert (
        f"Facturé à {ccvg.name} 262 rue Barthélémy Thimonnier 69530 Brignais "
        f"SIRET : 99900000300015 Commune concernée : {commune.name}"
    ) in text
    # dates and terms: 30-day global payment period, late interest, 40 € indemnity
    assert "Date d'émission 02/12/2026 Date d'échéance 01/01/2027" in text
    assert "Délai global de paiement : 30 jours à compter de la réception de la facture" in text
    assert "intérêts moratoires sont dus de plein droit au taux de la Banque centrale " in text
    assert "européenne majoré de 8 points (article R2192-31" in text
    assert "indemnité forfaitaire pour frais de recouvrement de 40 €" in text
    # the Chorus Pro references
    assert (
        "Références Chorus Pro SIRET du destinataire 99900000300015 Code service SCCPAJ "
        "Numéro d'engagement ENG-2026-0042"
    ) in text
    assert (
        "Devis n° DEV-2026-0007 du 25/11/2026 – Réhabilitation de l'école « Les Tilleuls »" in text
    )
    assert "Montant total du devis : 4 250,00 €" in text
    assert "Acompte de 50 % à la validation du devis – devis DEV-2026-0007" in text
    assert "Montant à payer 2 125,00 €" in text
    assert "Montant à payer : 2 125,00 € au plus tard le 01/01/2027, par virement" in text
    assert "TVA à" not in text and "TTC" not in text  # not subject to VAT
    assert PAYEE["payee_vat"] in text
    assert "IBAN FR76 3000 6000 0112 3456 7890 189" in text
    assert "BIC AGRIFRPP" in text
    assert "Page 1 / 1" in text


def test_invoice_with_vat_prints_net_vat_and_gross(app):
    ccvg = make_org(OrgKind.BUYER, name="Communauté de communes de la Vallée du Garon")
    quote = make_quote(ccvg, [line(1, "Forfait lot 456 à 1 820 h (2,5 jours)", "1250.00")])
    invoice = make_invoice(quote, payee_vat_regime="subject", payee_vat_number="FR42999000003")

    (text,) = pages_text(render_invoice(app, invoice))

    assert "N° TVA intracommunautaire : FR42999000003" in text
    assert "Montant HT" in text
    assert "TVA à 20 % 125,00 €" in text
    assert "Montant TTC à payer 750,00 €" in text
    assert "Commune concernée" not in text


def test_invoice_prints_its_frozen_payee_not_the_current_one(app):
    ccvg = make_org(OrgKind.BUYER, name="Communauté de communes de la Vallée du Garon")
    quote = make_quote(ccvg, [line(1, "Forfait lot 1 à 455 h (1,5 jour)", "750.00")])
    invoice = make_invoice(quote)

    later = {"payee_name": "Nouveau nom", "payee_iban": "FR00 AUTRE"}
    set_payee(**later)  # the admin changes the block after the invoice was issued
    (text,) = pages_text(render_invoice(app, invoice, payee={**PAYEE, **later}))

    assert "Commune concernée" not in text
    assert "Sud-Ouest Emploi" in text and "FR76 3000 6000" in text
    assert "Nouveau nom" not in text and "FR00 AUTRE" not in text
    assert "Montant à payer 375,00 €" in text


# --- yearly recap per commune -------------------------------------------------------------


def recap_world():
    ccvg = make_org(
        OrgKind.BUYER,
        name="Communauté de communes de la Vallée du Garon",
        address="262 rue Barthélémy Thimonnier\n69530 Brignais",
        siret="99900000300015",
    )
    commune = make_org(OrgKind.BUYER, name="Commune de Chaponost", parent=ccvg)
    return ccvg, commune


def render_recap(app, commune, year, rows, total) -> bytes:
    with app.test_request_context():
        return pdf.render_pdf(
            "pdf/recap.html",
            commune=commune,
            ccvg=commune.parent,
            year=year,
            rows=rows,
            total=total,
        )


def recap_row(n: int, **values) -> dict:
    return {
        "operation": "Gymnase – extension",
        "quote_number": "DEV-2026-0003",
        "invoice_number": f"FAC-2026-{n:04d}",
        "invoice_label": "Acompte de 50 % à la validation du devis",
        "paid_on": date(2026, 3, n),
        "amount": Decimal("1250.00"),
        **values,
    }


def test_recap_is_the_ccvg_document_with_the_commune_invoices_and_the_total(app):
    ccvg, commune = recap_world()
    rows = [recap_row(n) for n in range(1, 4)]

    (text,) = pages_text(render_recap(app, commune, 2026, rows, Decimal("3750.00")))

    # the CCVG's letterhead, on every page: its name, address and SIRET
    assert text.startswith(
        "Communauté de communes de la Vallée du Garon 262 rue Barthélémy Thimonnier – "
        "69530 Brignais SIRET : 999 000 003 00015 Service commun commande publique et "
        "affaires juridiques"
    )
    assert "Récapitulatif de refacturation 2026 – Commune de Chaponost" in text
    assert "À l'attention de Commune de Chaponost" in text
    assert f"Émis par {ccvg.name}" in text
    assert "(factures réglées du 01/01/2026 au 31/12/2026)" in text
    assert "payées en 2026 par l'intercommunalité et refacturées à la commune par la" in text
    for title in ("Opération", "Devis", "Facture", "Objet", "Payée le", "Montant"):
        assert title in text
    assert "FAC-2026-0003" in text and "03/03/2026" in text
    assert "Total à refacturer 3 750,00 €" in text
    assert "Page 1 / 1" in text
    # nothing of the AMOI's payee block: no bank details, no AMOI letterhead
    for absent in ("IBAN", "BIC", "Sud-Ouest Emploi", PAYEE["payee_vat"], "Contact facturation"):
        assert absent not in text


def placed_runs(data: bytes) -> list[tuple[float, float, float, str]]:
    """(x start, x end, y, text) of each piece of text of the first page; the end is
    computed from the embedded font's metrics (reportlab, which xhtml2pdf draws with)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for name in ("DejaVuSans", "DejaVuSans-Bold"):
        if f"test-{name}" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(f"test-{name}", str(pdf.FONTS_DIR / f"{name}.ttf")))
    runs = []

    def visit(text, cm, tm, font, size):
        if not text.strip() or font is None:
            return
        bold = "Bold" in str(font["/BaseFont"])
        for offset, line in enumerate(text.rstrip("\n").split("\n")):
            x = cm[4] + tm[4]
            width = pdfmetrics.stringWidth(line, f"test-DejaVuSans{'-Bold' if bold else ''}", size)
            runs.append((x, x + width, cm[5] + tm[5] - offset * size, line))

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return runs


def test_recap_columns_never_overlap_and_long_text_wraps(app):
    _, commune = recap_world()
    long_name = (
        "Restructuration et extension du groupe scolaire Jean-Jacques Rousseau, tranche "
        "conditionnelle n° 2"
    )
    rows = [
        recap_row(
            1,
            operation=long_name,
            invoice_label="Solde à la remise du bilan final – devis DEV-2026-0123",
            amount=Decimal("123456.78"),
            paid_on=date(2026, 12, 31),
        ),
        recap_row(12),
    ]
    runs = placed_runs(render_recap(app, commune, 2026, rows, Decimal("124706.78")))

    headers = ("Opération", "Devis", "Facture", "Objet", "Payée le", "Montant")
    starts = {text: x for x, _, _, text in runs if text in headers}
    assert list(starts) == list(headers)  # one header row, left to right
    # a column's cells start where its header does (the amount column is right-aligned)
    left = sorted(starts.values())[:-1]
    page_right = 595.28 - 51.0  # A4 width minus the 1.8 cm right margin
    header_y = next(y for _, _, y, text in runs if text == "Opération")
    body = [run for run in runs if run[2] < header_y - 1 and run[0] >= left[0] - 1]
    assert len(body) > 12
    for x0, x1, _, text in body:
        column = max(i for i, start in enumerate(left) if start <= x0 + 0.5)
        limit = left[column + 1] if column + 1 < len(left) else page_right
        assert x1 <= limit, f"« {text} » ({x0:.1f} → {x1:.1f}) crosses into the next column"
    # the long operation name wraps inside its column instead of running over
    name_lines = [text for x0, _, _, text in body if abs(x0 - left[0]) < 1 and text[0].isalpha()]
    assert len(name_lines) >= 3
    assert " ".join(name_lines).startswith(long_name)


def test_empty_recap_says_so(app):
    _, commune = recap_world()

    (text,) = pages_text(render_recap(app, commune, 2025, [], Decimal("0")))

    assert "Aucune facture concernant cette commune n'a été réglée en 2025." in text
    assert "Total à refacturer : 0,00 €" in text


# --- what a document may read -------------------------------------------------------------


def test_link_callback_maps_only_the_fonts():
    regular = pdf.link_callback("/static/fonts/DejaVuSans.ttf")
    assert regular == str(pdf.FONTS_DIR / "DejaVuSans.ttf")
    for uri in (
        "/etc/passwd",
        "file:///etc/passwd",
        "/static/fonts/../../portal/config.py",
        "/static/fonts/%2e%2e/%2e%2e/pyproject.toml",
        "/static/fonts/LICENSE-DejaVu.txt",
        "/static/fonts/missing.ttf",
        "/static/css/app.css",
        "http://169.254.169.254/latest/meta-data/",
        "ftp://example.org/static/fonts/DejaVuSans.ttf",
        "https://example.org/static/fonts/DejaVuSans.ttf",
        "file:///static/fonts/DejaVuSans.ttf",
    ):
        assert pdf.link_callback(uri) is None, uri


def test_policy_confines_reads_to_the_fonts_folder(tmp_path):
    pdf.RESOURCE_POLICY.check_path(pdf.FONTS_DIR / "DejaVuSans-Bold.ttf")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    link = tmp_path / "link.ttf"
    link.symlink_to(pdf.FONTS_DIR / "DejaVuSans.ttf")
    for path in ("/etc/passwd", outside, pdf.FONTS_DIR / ".." / "favicon.svg"):
        with pytest.raises(pdf.ResourceAccessError):
            pdf.RESOURCE_POLICY.check_path(path)
    with pytest.raises(pdf.ResourceAccessError):
        pdf.RESOURCE_POLICY.check_url("https://example.org/logo.png")


def _png(path=None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    if path is not None:
        path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def test_document_cannot_read_files_outside_the_fonts_folder(app, tmp_path):
    """A template naming another file renders without it: an image beside the app is
    not embedded (an inline image is, which shows the check would see one), a font
    outside static/fonts is not loaded, /etc/passwd is not read."""
    outside_image = tmp_path / "photo.png"
    _png(outside_image)
    outside_font = tmp_path / "Other.ttf"
    outside_font.write_bytes((pdf.FONTS_DIR / "DejaVuSans-Bold.ttf").read_bytes())
    template = app.jinja_env.from_string(
        '<html><head><meta charset="utf-8"><style>'
        '@font-face { font-family: other; src: url("{{ font }}"); }'
        "body { font-family: other; }</style></head><body>"
        '<p>Intrusion</p>{% for src in images %}<img src="{{ src }}">{% endfor %}'
        "</body></html>"
    )
    inline = "data:image/png;base64," + base64.b64encode(_png()).decode()

    with app.test_request_context():
        control = pdf.render_pdf(
            template, font="/static/fonts/DejaVuSans-Bold.ttf", images=[inline]
        )
        refused = pdf.render_pdf(
            template,
            font=str(outside_font),
            images=[
                str(outside_image),
                f"file://{outside_image}",
                "/etc/passwd",
                "file:///etc/passwd",
            ],
        )

    assert page_images(control) == 1
    assert any("DejaVuSans-Bold" in name for name in drawing_fonts(control))
    assert page_images(refused) == 0
    assert not any("DejaVu" in name for name in drawing_fonts(refused))
    assert "Intrusion" in pages_text(refused)[0]
    assert b"root:" not in refused


def test_render_error_is_reported(app):
    """A document past the policy's limits (here nested too deep) is refused with a
    clear exception rather than a half-made PDF."""
    template = app.jinja_env.from_string(
        "<html><body>{{ ('<div>' * 400)|safe }}profond{{ ('</div>' * 400)|safe }}</body></html>"
    )
    with app.test_request_context(), pytest.raises(pdf.PdfRenderError, match="conversion en PDF"):
        pdf.render_pdf(template)


# --- the response -------------------------------------------------------------------------


def test_pdf_response_is_a_private_attachment(app):
    with app.test_request_context():
        response = pdf.pdf_response(b"%PDF-1.4 test", "Devis DEV-2026-0007 « école ».pdf")

    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="Devis-DEV-2026-0007-ecole.pdf"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data() == b"%PDF-1.4 test"


def test_pdf_response_file_name_cannot_break_the_header(app):
    with app.test_request_context():
        response = pdf.pdf_response(b"%PDF-", 'a"; b\r\nSet-Cookie: x=1')

    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="a-b-Set-Cookie-x-1.pdf"'
    )
