"""Server-side charts (portal.documents.charts): SVG for pages, PNG for PDFs, French numbers,
a text alternative and the data table, the same bytes for the same data."""

from __future__ import annotations

import base64
import io
from datetime import date
from decimal import Decimal

import pytest
from defusedxml import ElementTree as ET
from flask import render_template_string
from PIL import Image
from pypdf import PdfReader

from portal.documents import charts, pdf

SVG = "{http://www.w3.org/2000/svg}"
LOTS = [
    ("Lot 1 – Gros œuvre", Decimal("1250.5")),
    ("Lot 2 – Électricité", 300),
    ("Lot 3 – Espaces verts", Decimal("0")),
]


def lots_chart() -> charts.Chart:
    return charts.bar_chart(
        "Heures d'insertion par lot", LOTS, unit="h", category="Lot", measure="Heures"
    )


def months_chart() -> charts.Chart:
    return charts.monthly_series(
        "Heures par mois",
        {
            "Réalisées": {date(2026, 1, 1): 120, date(2026, 3, 15): Decimal("151.67")},
            "Prévues": {date(2026, m, 1): 140 for m in (1, 2, 3)},
        },
        unit="h",
    )


def test_bar_chart_svg_parses_and_carries_its_labels():
    svg = lots_chart().svg()
    root = ET.fromstring(svg)  # well-formed, no declaration or DOCTYPE before it
    assert root.tag == f"{SVG}svg"
    assert root.find(f"{SVG}title").text == "Heures d'insertion par lot"
    assert root.find(f"{SVG}desc").text.startswith("Heures d'insertion par lot : diagramme")
    # every label and value is drawn (matplotlib names each drawn text beside its glyphs)
    for text in ("Lot 1 – Gros œuvre", "1\u00a0250,5\u00a0h", "300\u00a0h", "1\u00a0000\u00a0h"):
        assert f"<!-- {text} -->" in svg


def test_the_same_data_give_the_same_bytes():
    assert lots_chart().svg() == lots_chart().svg()
    assert lots_chart().png() == lots_chart().png()
    svg = lots_chart().svg()
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert lots_chart().svg() != charts.bar_chart("Autre", LOTS, unit="h").svg()


def test_png_is_a_png_of_the_expected_size():
    data = lots_chart().png()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert Image.open(io.BytesIO(data)).size == (1440, 640)
    assert Image.open(io.BytesIO(lots_chart().png(scale=1))).size == charts.SIZE
    assert b"Software" not in data and b"matplotlib" not in data.lower()


def test_text_alternative_and_table_in_french():
    chart = lots_chart()
    assert chart.alt == (
        "Heures d'insertion par lot : diagramme en barres de 3 valeurs, de 0 h "
        "(Lot 3 – Espaces verts) à 1 250,5 h (Lot 1 – Gros œuvre). Le tableau qui suit "
        "donne chaque valeur."
    ).replace("0 h (", "0\u00a0h (").replace("1 250,5 h", "1\u00a0250,5\u00a0h")
    assert chart.table.headers == ("Lot", "Heures")
    assert chart.table.rows[0] == ("Lot 1 – Gros œuvre", "1\u00a0250,5\u00a0h")


def test_monthly_series_fills_the_months_and_leaves_gaps():
    chart = months_chart()
    assert chart.table.headers == ("Mois", "Réalisées", "Prévues")
    assert chart.table.rows == (
        ("janvier 2026", "120\u00a0h", "140\u00a0h"),
        ("février 2026", "—", "140\u00a0h"),  # no statement: a gap, never a zero
        ("mars 2026", "151,67\u00a0h", "140\u00a0h"),
    )
    assert chart.alt.startswith("Heures par mois : courbe mensuelle de janvier 2026 à mars 2026")
    assert "Réalisées : 271,67\u00a0h au total" in chart.alt
    svg = chart.svg()
    ET.fromstring(svg)
    for label in ("janv.", "févr.", "mars", "Réalisées", "Prévues"):
        assert f"<!-- {label} -->" in svg


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (Decimal("1250.5"), "h", "1\u00a0250,5\u00a0h"),
        (1250, "€", "1\u00a0250,00\u00a0€"),
        (0.1 + 0.2, "", "0,3"),
        (None, "h", "—"),
    ],
)
def test_french_numbers(value, unit, text):
    assert charts.french_number(value, unit) == text


def test_no_data_draws_a_sentence_instead_of_axes():
    empty = charts.bar_chart("Heures par lot", [], unit="h")
    assert empty.alt == "Heures par lot : aucune donnée à représenter."
    assert empty.table.rows == ()
    assert "<!-- Aucune donnée à représenter -->" in empty.svg()
    assert charts.monthly_series("Heures par mois", {"Réalisées": {}}).table.rows == ()


def test_an_unknown_unit_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown unit"):
        charts.bar_chart("X", [("a", 1)], unit="km")


def test_a_page_shows_the_svg_its_alternative_and_its_data(app):
    with app.test_request_context():
        html = render_template_string(
            '{% from "_layout/charts.html" import chart_figure %}{{ chart_figure(chart) }}',
            chart=lots_chart(),
        )
    src = html.split('src="', 1)[1].split('"', 1)[0]
    assert src.startswith("data:image/svg+xml;base64,")  # allowed by the CSP's img-src
    assert base64.b64decode(src.split(",", 1)[1]).decode() == lots_chart().svg()
    assert 'alt="Heures d&#39;insertion par lot : diagramme en barres' in html
    assert '<th scope="row">Lot 2 – Électricité</th>' in html
    assert "Données du graphique" in html


def test_a_pdf_draws_the_png_through_the_pdf_service(app):
    template = app.jinja_env.from_string(
        '{% extends "pdf/_base.html" %}{% from "_layout/charts.html" import chart_pdf %}'
        "{% block content %}<h1>Bilan</h1>{{ chart_pdf(chart) }}{% endblock %}"
    )
    with app.test_request_context():
        data = pdf.render_pdf(template, chart=months_chart(), payee={})
    reader = PdfReader(io.BytesIO(data))
    (page,) = reader.pages
    assert len(page.images) == 1
    assert page.images[0].image.size == (1440, 640)
    text = " ".join(page.extract_text().replace("\u00a0", " ").split())
    assert "Heures par mois" in text and "février 2026 — 140 h" in text


def test_month_ticks_name_the_year_once_per_year():
    from datetime import date

    from portal.documents.charts import _month_ticks

    months = [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    assert _month_ticks(months) == ["nov.\n2025", "déc.", "janv.\n2026", "févr."]
