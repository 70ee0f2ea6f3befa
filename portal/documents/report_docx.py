"""A report as a Word document (docs/domain.md §9.1; the facade is
:mod:`portal.documents.report_render`), for the AMOI to adapt its wording before sending:
python-docx, A4, Word's built-in styles (headings feed Word's table of contents, a ``TOC``
field updated when the file is opened), « Page X / Y » fields in the footer, the charts as
PNG images with their caption, text alternative and data table.
"""

from __future__ import annotations

import io
from datetime import datetime, time

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from portal.documents.charts import Chart
from portal.documents.report_common import Counter, cell_text, long_date, numeric_columns, walk
from portal.documents.report_document import ReportDocument

__all__ = ["CHART_SCALE", "CHART_WIDTH_CM", "DOCX_MIMETYPE", "TABLE_STYLE", "render_docx"]

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CHART_WIDTH_CM = 16.5  # the text's width on A4 with the documents' margins
CHART_SCALE = 1.5  # PNG at 1080 × 480 px: 166 dpi over 16.5 cm, sharp once printed

INK = RGBColor(0x12, 0x3F, 0x6D)
TABLE_STYLE = "Light List Accent 1"


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (``PAGE``, ``NUMPAGES``, ``TOC …``) at the end of ``paragraph``, with
    ``placeholder`` as its last computed result."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run._r.append(begin)
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    run = paragraph.add_run()
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def _french_styles(document) -> None:
    """Word's own styles in the portal's blue, French spelling and grammar checks for the
    whole text (the AMOI edits it in Word), fields updated when the file is opened."""
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "fr-FR")
    normal.element.get_or_add_rPr().append(language)
    for name, size in (("Title", 24), ("Heading 1", 15), ("Heading 2", 12.5), ("Heading 3", 11)):
        style = document.styles[name]
        style.font.color.rgb = INK
        style.font.size = Pt(size)
    document.styles["Caption"].font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    # Word recomputes the fields (table of contents, page numbers) when it opens the file.
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _a4(section) -> None:
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _docx_table(document, headers, rows, numeric, caption: str) -> None:
    document.add_paragraph(caption, style="Caption").paragraph_format.keep_with_next = True
    # All the rows at once: twice as fast as a row added at a time (issue 12's benchmark).
    table = document.add_table(rows=len(rows) + 1, cols=len(headers))
    table.style = document.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    lines = table.rows
    _repeat_header(lines[0])
    for line, values in zip(lines, (headers, *rows), strict=True):
        for index, cell in enumerate(line.cells):
            cell.text = values[index] if index < len(values) else ""
            if numeric[index]:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph()


def _docx_chart(document, chart: Chart, number: int) -> None:
    picture = document.add_paragraph()
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    inline = picture.add_run().add_picture(
        io.BytesIO(chart.png(scale=CHART_SCALE)), width=Cm(CHART_WIDTH_CM)
    )
    inline._inline.docPr.set("descr", chart.alt)  # the image's text alternative
    inline._inline.docPr.set("title", chart.title)
    document.add_paragraph(f"Figure {number} – {chart.title}", style="Caption")
    document.add_paragraph(chart.alt)
    headers = chart.table.headers
    _docx_table(
        document,
        headers,
        chart.table.rows,
        tuple(i > 0 for i in range(len(headers))),
        f"Données de la figure {number}",
    )


def _docx_cover(document, doc: ReportDocument) -> None:
    author = document.add_paragraph(doc.author)
    author.runs[0].bold = True
    author.runs[0].font.color.rgb = INK
    for _ in range(6):
        document.add_paragraph()
    document.add_paragraph(doc.title, style="Title")
    document.add_paragraph(doc.subject, style="Subtitle")
    document.add_paragraph()
    for label, value in (
        ("Établi par", doc.author),
        ("Date", long_date(doc.issued_on)),
        ("Statut", doc.status_line),
    ):
        line = document.add_paragraph()
        line.add_run(f"{label} : ").bold = True
        line.add_run(value)


def _docx_contents(document, doc: ReportDocument) -> None:
    """Word's table of contents field, its last result filled with the headings (without
    page numbers) so that it reads well before Word updates it."""
    document.add_paragraph("Sommaire", style="TOC Heading")
    items = [item for item in walk(doc.sections) if item.level <= 3]
    first = document.add_paragraph()
    _field(first, 'TOC \\o "1-3" \\h \\z \\u', items[0].heading if items else "")
    for item in items[1:]:
        line = document.add_paragraph(item.heading)
        line.paragraph_format.left_indent = Cm(0.6 * (item.level - 1))
    if items:
        # The field's result runs until its end mark: move the end to the last line.
        end = first.runs[-1]._r
        target = document.paragraphs[-1]._p
        end.getparent().remove(end)
        target.append(end)
        first.paragraph_format.left_indent = Cm(0)


def _docx_footer(section, doc: ReportDocument) -> None:
    footer = section.footer.paragraphs[0]
    footer.paragraph_format.tab_stops.add_tab_stop(Cm(17), WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run(f"{doc.title}\tPage ")
    _field(footer, "PAGE", "1")
    footer.add_run(" / ")
    _field(footer, "NUMPAGES", "1")
    for run in footer.runs:
        run.font.size = Pt(8)


def render_docx(doc: ReportDocument) -> bytes:
    """The report as a Word document (A4) the AMOI can edit: a title page, Word's table of
    contents (updated when the file is opened), a heading per section and subsection,
    paragraphs, styled tables with French numbers, the charts as images with their caption,
    text alternative and data, « Page X / Y » in the footer."""
    document = Document()
    _french_styles(document)
    cover = document.sections[0]
    _a4(cover)
    cover.different_first_page_header_footer = True  # no footer on the title page
    _docx_cover(document, doc)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _docx_contents(document, doc)
    _docx_footer(cover, doc)

    counter = Counter()
    for item in walk(doc.sections):
        section = item.section
        heading = document.add_heading(item.heading, level=min(item.level, 3))
        heading.paragraph_format.page_break_before = item.level == 1
        for paragraph in section.paragraphs:
            if paragraph.strip():
                document.add_paragraph(paragraph.strip())
        for table in section.tables:
            numeric = numeric_columns(table)
            rows = [
                tuple(cell_text(value, table.unit(i)) for i, value in enumerate(row))
                for row in table.rows
            ]
            number = counter.table()
            caption = (
                f"Tableau {number} – {table.caption}" if table.caption else f"Tableau {number}"
            )
            _docx_table(document, table.headers, rows, numeric, caption)
        for chart in section.charts:
            _docx_chart(document, chart, counter.figure())

    properties = document.core_properties
    properties.title = doc.title
    properties.subject = doc.subject
    properties.author = doc.author
    properties.last_modified_by = doc.author
    properties.language = "fr-FR"
    properties.comments = doc.status_line
    stamp = datetime.combine(doc.issued_on, time(12))
    properties.created = stamp
    properties.modified = stamp
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
