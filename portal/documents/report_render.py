"""The renderers of a report (docs/domain.md §9.1; docs/architecture.md §7), the one module
the callers import: one :class:`~portal.documents.report_document.ReportDocument` drawn as a
PDF (the document sent), an XLSX (the figures, one sheet per indicator) and a DOCX (the same
document, for the AMOI to adapt its wording before sending), and :func:`report_response`,
the download of one of them.

The three read the same document and show the same things in the same order: a title block
(title, subject, author, date, status line), a table of contents, then each top section as
a chapter (numbered « 1. », its subsections « 1.1 »), its paragraphs, its tables (cells
formatted the French way from their column's unit: ``1 234,5 h``, ``1 250,00 €``, a ``%``
column holds a fraction shown ``50,0 %``) and its charts (the image, its title and text
alternative as a caption, its data table). The XLSX keeps numbers as numbers, with a number
format per unit, and the charts' data only through the tables that carry it.

- PDF: :mod:`portal.documents.report_pdf`, reportlab's platypus on the house page of
  :mod:`portal.documents.pdf_flow` (contents with page numbers, « Page X / Y », DejaVu
  Sans, the charts as vectors);
- XLSX: :mod:`portal.documents.report_xlsx` (openpyxl);
- DOCX: :mod:`portal.documents.report_docx` (python-docx);
- what they share (cell text, numbering, file names): :mod:`portal.documents.report_common`.
"""

from __future__ import annotations

from flask import Response

from portal.documents.report_common import cell_text, long_date, safe_filename
from portal.documents.report_document import ReportDocument
from portal.documents.report_docx import (
    CHART_SCALE,
    CHART_WIDTH_CM,
    DOCX_MIMETYPE,
    TABLE_STYLE,
    render_docx,
)
from portal.documents.report_pdf import render_pdf
from portal.documents.report_xlsx import render_xlsx, sheet_names
from portal.documents.spreadsheets import XLSX_MIMETYPE, download

__all__ = [
    "CHART_SCALE",
    "CHART_WIDTH_CM",
    "DOCX_MIMETYPE",
    "REPORT_FORMATS",
    "TABLE_STYLE",
    "cell_text",
    "long_date",
    "render_docx",
    "render_pdf",
    "render_xlsx",
    "report_response",
    "safe_filename",
    "sheet_names",
]

REPORT_FORMATS = {
    "pdf": (render_pdf, "application/pdf", ".pdf"),
    "xlsx": (render_xlsx, XLSX_MIMETYPE, ".xlsx"),
    "docx": (render_docx, DOCX_MIMETYPE, ".docx"),
}
"""The formats a report downloads in: renderer, content type, extension."""


def report_response(doc: ReportDocument, fmt: str) -> Response:
    """The report as a download in ``fmt`` (``pdf``, ``xlsx`` or ``docx``), named
    ``doc.filename`` plus the extension, never cached. Another format is a
    :class:`ValueError` (the view answers 404)."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"Format de rapport inconnu : {fmt!r} (pdf, xlsx ou docx).")
    renderer, content_type, extension = REPORT_FORMATS[fmt]
    return download(renderer(doc), safe_filename(doc.filename, extension), content_type)
