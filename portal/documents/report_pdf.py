"""A report as a PDF (docs/domain.md §9.1; the facade is :mod:`portal.documents.report_render`),
drawn with reportlab's platypus on the house page of :mod:`portal.documents.pdf_flow` (issue
12: « a 20-page report PDF renders in under 2 s »; xhtml2pdf took 5 s for 25 pages).

The document: a cover (title, subject, author, date, status line), the table of contents
with page numbers, then one chapter per top section on a new page (« 1. Heures
d'insertion », its subsections « 1.1 Lot 1 – Gros œuvre »), its paragraphs, its tables
(« Tableau 3 – … », cells formatted by :func:`~portal.documents.report_common.cell_text`,
number columns aligned right, the caption and header rows repeated on every page a table
runs over) and its charts (the figure, « Figure 2 – … », its text alternative, then its data
table « Données de la figure 2 »). Every page has the issuer block (the author and the
subject, the title and the date) and « Page X / Y ». The headings are the PDF's outline.

The charts are vectors: the SVG the pages show (:meth:`Chart.svg_data_uri`, drawn once per
distinct chart by matplotlib, text as paths) read by svglib into a reportlab drawing, kept
in ``_DRAWINGS`` so that a chart seen again is not read again, and drawn once per document
as a PDF form (``Figure<n>``).
"""

from __future__ import annotations

import io
import threading

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable
from svglib.svglib import svg2rlg

from portal.documents import pdf_flow
from portal.documents.charts import Chart
from portal.documents.pdf_flow import BOLD, INK, MUTED, STYLES, Heading, PageFrame, grid, text
from portal.documents.report_common import Counter, cell_text, long_date, numeric_columns, walk
from portal.documents.report_document import ReportDocument, Section, Table

__all__ = ["CHART_WIDTH", "chart_drawing", "render_pdf"]

CHART_WIDTH = 16.5 * cm  # as in the DOCX; the text is 17.4 cm wide
_DRAWINGS: dict[tuple, Drawing] = {}  # (title, alt, table) → drawing; cleared when full
_DRAWINGS_SIZE = 256
_READING = threading.Lock()  # svglib's parser state is its own, one chart read at a time

COVER_TITLE = ParagraphStyle(
    "cover_title", STYLES["text"], fontName=BOLD, fontSize=24, leading=29, textColor=INK,
    alignment=0, spaceAfter=10,
)  # fmt: skip
COVER_SUBJECT = ParagraphStyle(
    "cover_subject", STYLES["text"], fontSize=14, leading=18, alignment=0, spaceAfter=28
)
COVER_META = ParagraphStyle("cover_meta", STYLES["text"], fontSize=10, leading=13, alignment=0)
COVER_KEY = ParagraphStyle("cover_key", COVER_META, textColor=MUTED)
HEADINGS = (
    ParagraphStyle("h1", STYLES["title"], spaceAfter=3),
    ParagraphStyle("h2", STYLES["title"], fontSize=12, leading=15, spaceBefore=12, spaceAfter=5),
    ParagraphStyle("h3", STYLES["title"], fontSize=10, leading=13, spaceBefore=10, spaceAfter=4),
)
CONTENTS = (
    ParagraphStyle("toc1", STYLES["text"], fontName=BOLD, fontSize=10, leading=13,
                   spaceBefore=6, rightIndent=1 * cm, alignment=0),
    ParagraphStyle("toc2", STYLES["text"], fontSize=9, leading=12, leftIndent=0.8 * cm,
                   rightIndent=1 * cm, alignment=0, spaceAfter=0),
    ParagraphStyle("toc3", STYLES["text"], fontSize=8.5, leading=11, leftIndent=1.6 * cm,
                   rightIndent=1 * cm, alignment=0, spaceAfter=0),
)  # fmt: skip
FIGURE_CAPTION = ParagraphStyle("figure_caption", STYLES["caption"], spaceBefore=3, spaceAfter=2)
ALT = ParagraphStyle("alt", STYLES["small"], spaceAfter=2)


# --- charts -------------------------------------------------------------------------------------


def chart_drawing(chart: Chart) -> Drawing:
    """The chart's SVG (the page's, drawn once: :meth:`Chart.svg_data_uri`) as a reportlab
    drawing, read once per distinct chart (``_DRAWINGS``, bounded). The drawing is only
    read afterwards (drawn), never changed, so documents drawn at once may share it."""
    key = (chart.title, chart.alt, chart.table)
    drawing = _DRAWINGS.get(key)
    if drawing is None:
        with _READING:
            drawing = svg2rlg(io.BytesIO(chart.svg_bytes()))
        if drawing is None:  # svglib logs why; never the case for matplotlib's SVG
            raise ValueError(f"Le graphique « {chart.title} » n'a pas pu être lu.")
        if len(_DRAWINGS) >= _DRAWINGS_SIZE:
            _DRAWINGS.clear()
        _DRAWINGS[key] = drawing
    return drawing


class Figure(Flowable):
    """A chart's drawing scaled to ``width``, centred, drawn as a PDF form named ``name``
    (once per document even if shown twice)."""

    def __init__(self, drawing: Drawing, width: float, name: str) -> None:
        super().__init__()
        self.drawing = drawing
        self.scale = width / drawing.width
        self.width = width
        self.height = drawing.height * self.scale
        self.name = name
        self.hAlign = "CENTER"

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        if not canvas.hasForm(self.name):
            canvas.beginForm(self.name, 0, 0, self.drawing.width, self.drawing.height)
            renderPDF.draw(self.drawing, canvas, 0, 0)
            canvas.endForm()
        canvas.saveState()
        canvas.scale(self.scale, self.scale)
        canvas.doForm(self.name)
        canvas.restoreState()


# --- the document -------------------------------------------------------------------------------


def _cover(doc: ReportDocument) -> list[Flowable]:
    meta = RLTable(
        [
            [Paragraph(label, COVER_KEY), text(value, COVER_META)]
            for label, value in (
                ("Établi par", doc.author),
                ("Date", long_date(doc.issued_on)),
                ("Statut", doc.status_line),
            )
        ],
        colWidths=(3.5 * cm, pdf_flow.FRAME_WIDTH - 3.5 * cm),
        style=TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LINEABOVE", (0, 0), (-1, 0), 1, INK),
                ("LINEBELOW", (0, -1), (-1, -1), 1, INK),
            ]
        ),
    )
    return [
        Spacer(1, 4 * cm),
        text(doc.title, COVER_TITLE),
        text(doc.subject, COVER_SUBJECT),
        meta,
        PageBreak(),
        Paragraph("Sommaire", STYLES["title"]),
        # reportlab fills an empty table of contents with an English placeholder
        pdf_flow.contents(CONTENTS) if doc.sections else text("Ce rapport n'a aucune partie."),
    ]


def _table(table: Table, number: int) -> Flowable:
    caption = f"Tableau {number} – {table.caption}" if table.caption else f"Tableau {number}"
    rows = [[cell_text(value, table.unit(i)) for i, value in enumerate(row)] for row in table.rows]
    return grid(table.headers, rows, numeric_columns(table), caption)


def _chart(chart: Chart, number: int) -> list[Flowable]:
    headers = chart.table.headers
    return [
        KeepTogether(
            [
                Spacer(1, 6),
                Figure(chart_drawing(chart), CHART_WIDTH, f"Figure{number}"),
                text(f"Figure {number} – {chart.title}", FIGURE_CAPTION),
                text(chart.alt, ALT),
            ]
        ),
        grid(
            headers,
            chart.table.rows,
            tuple(i > 0 for i in range(len(headers))),
            f"Données de la figure {number}",
        ),
    ]


def _section(section: Section, number: str, level: int, counter: Counter) -> list[Flowable]:
    depth = min(level, 3)
    dot = "." if level == 1 else ""
    heading = Heading(f"{number}{dot} {section.title}", HEADINGS[depth - 1], depth - 1,
                      f"section-{number}")  # fmt: skip
    story: list[Flowable] = [PageBreak(), heading] if level == 1 else [heading]
    if level == 1:
        rule = HRFlowable(width="100%", thickness=1, color=INK, spaceBefore=0, spaceAfter=8)
        rule.keepWithNext = True
        story.append(rule)
    story += [text(p) for p in section.paragraphs if p.strip()]
    story += [_table(t, counter.table()) for t in section.tables]
    for chart in section.charts:
        story += _chart(chart, counter.figure())
    return story


def story(doc: ReportDocument) -> list[Flowable]:
    """The report's flowables in reading order."""
    counter = Counter()
    flowables = _cover(doc)
    for item in walk(doc.sections):
        flowables += _section(item.section, item.number, item.level, counter)
    return flowables


def render_pdf(doc: ReportDocument) -> bytes:
    """The report as a PDF (A4): cover, table of contents with page numbers, a chapter per
    top section, « Page X / Y » on every page, the title, author and subject in the PDF's
    information. Needs no application context."""
    frame = PageFrame(
        name=doc.author,
        line=doc.subject,
        reference=(doc.title, long_date(doc.issued_on)),
        footer=doc.title,
    )
    return pdf_flow.render(
        story(doc), frame, title=doc.title, author=doc.author, subject=doc.subject
    )
