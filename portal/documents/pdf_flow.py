"""PDF documents drawn with reportlab's platypus directly (docs/architecture.md §7), for the
long documents whose tables xhtml2pdf lays out too slowly (the reports: issue 12, « a
20-page report PDF renders in under 2 s »). The short documents (quotes, invoices, letters)
stay HTML templates through :mod:`portal.documents.pdf`.

What every such document shares, and what this module gives:

- the house fonts: DejaVu Sans and DejaVu Sans Bold, read from ``static/fonts/`` (the same
  files as the HTML documents' ``@font-face``), so that ``é``, ``œ``, ``€`` and the
  no-break spaces of French numbers render, and an HTML-like bold (``<b>``) maps to the
  bold file;
- the page of ``templates/pdf/_base.html``: A4, the issuer block at the top (a name and a
  line on the left, a reference on the right, a rule below), a rule and « Page X / Y » at
  the bottom with the document's reference on the left;
- :class:`Heading`: a heading that goes to the PDF's outline (bookmarks) and to the
  :func:`contents` table with its page number (two passes or more of
  :meth:`FlowDocument.multiBuild`, which also give the page total of « Page X / Y »);
- :func:`grid`: a table in the house style (header row shaded, repeated on every page the
  table runs over, its caption as a first row repeated too, number columns aligned right);
- :func:`text`: user text as a paragraph, escaped (never read as markup), its line breaks
  kept;
- the PDF's information (title, author, subject, language).

Nothing here reads a file other than the two fonts, nor the network: the flowables are
built from Python values (a chart is a reportlab drawing, see
:mod:`portal.documents.report_pdf`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from portal.documents.pdf import FONTS_DIR, NARROW_NO_BREAK_SPACE, NO_BREAK_SPACE

__all__ = [
    "BOLD",
    "FONT",
    "INK",
    "STYLES",
    "FlowDocument",
    "Heading",
    "PageFrame",
    "contents",
    "grid",
    "text",
]

FONT = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
pdfmetrics.registerFont(TTFont(FONT, str(FONTS_DIR / "DejaVuSans.ttf")))
pdfmetrics.registerFont(TTFont(BOLD, str(FONTS_DIR / "DejaVuSans-Bold.ttf")))
pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)

INK = colors.HexColor("#123f6d")  # the portal's blue, as in _base.html
TEXT = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#444444")
FOOTER = colors.HexColor("#555555")
RULE = colors.HexColor("#999999")
HEADER_FILL = colors.HexColor("#e5ecf4")
ROW_RULE = colors.HexColor("#cccccc")

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 1.8 * cm
MARGIN_TOP = 4.2 * cm  # below the issuer block
MARGIN_BOTTOM = 2.2 * cm  # above the footer
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X

_BASE = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=12.2, textColor=TEXT)
STYLES = {
    "text": ParagraphStyle("text", _BASE, alignment=TA_JUSTIFY, spaceAfter=6),
    "small": ParagraphStyle("small", _BASE, fontSize=8, leading=10.5, textColor=MUTED),
    "title": ParagraphStyle("title", _BASE, fontName=BOLD, fontSize=15, leading=19,
                            textColor=INK, spaceAfter=10),
    "cell": ParagraphStyle("cell", _BASE, fontSize=8, leading=10),
    "cell_num": ParagraphStyle("cell_num", _BASE, fontSize=8, leading=10, alignment=TA_RIGHT),
    "head": ParagraphStyle("head", _BASE, fontName=BOLD, fontSize=8, leading=10),
    "head_num": ParagraphStyle("head_num", _BASE, fontName=BOLD, fontSize=8, leading=10,
                               alignment=TA_RIGHT),
    "caption": ParagraphStyle("caption", _BASE, fontName=BOLD, fontSize=8.5, leading=11,
                              textColor=INK),
    "issuer": ParagraphStyle("issuer", _BASE, fontSize=8, leading=10.5, textColor=colors.HexColor("#333333")),
    "issuer_ref": ParagraphStyle("issuer_ref", _BASE, fontSize=8, leading=10.5,
                                 textColor=colors.HexColor("#333333"), alignment=TA_RIGHT),
    "footer": ParagraphStyle("footer", _BASE, fontSize=7.5, leading=9, textColor=FOOTER),
}  # fmt: skip


def _plain(value: str) -> str:
    """Text as reportlab reads it: escaped, a narrow no-break space made a no-break space
    (reportlab breaks lines at U+202F, as xhtml2pdf did: see :func:`portal.documents.pdf.
    render_pdf`)."""
    return escape(value.replace(NARROW_NO_BREAK_SPACE, NO_BREAK_SPACE))


def text(value: str, style: ParagraphStyle | str = "text") -> Paragraph:
    """``value`` as a paragraph: escaped (``<b>`` typed by someone stays ``<b>``), each of
    its lines kept as a line."""
    lines = [_plain(line.rstrip()) for line in value.strip().splitlines()]
    return Paragraph("<br/>".join(lines), STYLES[style] if isinstance(style, str) else style)


# --- headings, outline, contents --------------------------------------------------------------


class Heading(Paragraph):
    """A heading that goes to the outline and the table of contents: ``level`` 0 for a
    chapter, 1 and 2 below it; ``key`` names its place (unique in the document)."""

    def __init__(self, title: str, style: ParagraphStyle, level: int, key: str) -> None:
        super().__init__(_plain(title), style)
        self.title = title
        self.level = level
        self.key = key
        self.keepWithNext = True


def contents(levels: Sequence[ParagraphStyle]) -> TableOfContents:
    """The table of contents filled by the :class:`Heading` s, a style per level, the
    page number at the right (dotted from the second level on)."""
    toc = TableOfContents()
    toc.levelStyles = list(levels)
    toc.dotsMinLevel = 1
    return toc


class _PageTotal(Flowable):
    """Nothing drawn: the page count of the pass before for « Page X / Y ». An indexing
    flowable, so :meth:`FlowDocument.multiBuild` builds again while the count changes."""

    def __init__(self) -> None:
        super().__init__()
        self.width = self.height = 0
        self.previous: int | None = None
        self.current: int | None = None

    def isIndexing(self) -> int:
        return 1

    def isSatisfied(self) -> bool:
        return self.previous == self.current

    def beforeBuild(self) -> None:
        self.previous = self.current
        self.current = None

    def afterBuild(self) -> None:
        pass

    def notify(self, kind, stuff) -> None:
        pass  # the headings' entries are for the contents

    def wrap(self, availWidth, availHeight):
        return 0, 0

    def draw(self) -> None:
        self.current = self.canv.getPageNumber()


# --- the page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageFrame:
    """What every page shows: the issuer block (``name`` in bold, ``line`` below it, and
    ``reference`` lines on the right) and the footer's ``footer`` text before « Page X / Y »."""

    name: str
    line: str
    reference: tuple[str, ...]
    footer: str


class FlowDocument(BaseDocTemplate):
    """An A4 document with the house page (:class:`PageFrame`), its outline and table of
    contents fed by the :class:`Heading` s, and « Page X / Y »."""

    def __init__(self, output, frame: PageFrame, *, title: str, author: str, subject: str):
        super().__init__(
            output,
            pagesize=A4,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=title,
            author=author,
            subject=subject,
            creator="Passerelle",
            lang="fr-FR",
        )
        self.page_frame = frame
        self.total = _PageTotal()
        body = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            FRAME_WIDTH,
            PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self.addPageTemplates([PageTemplate("page", [body], onPage=self._decorate)])
        name = Paragraph(
            f'<font name="{BOLD}" size="11" color="#123f6d">{_plain(frame.name)}</font>'
            + (f"<br/>{_plain(frame.line)}" if frame.line else ""),
            STYLES["issuer"],
        )
        reference = Paragraph("<br/>".join(map(_plain, frame.reference)), STYLES["issuer_ref"])
        self._issuer = Table(
            [[name, reference]],
            colWidths=(FRAME_WIDTH * 0.68, FRAME_WIDTH * 0.32),
            style=TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                ]
            ),
        )
        self._footer = Paragraph(_plain(frame.footer), STYLES["footer"])

    def _decorate(self, canvas, doc) -> None:
        canvas.saveState()
        top = PAGE_HEIGHT - 1 * cm
        _, height = self._issuer.wrapOn(canvas, FRAME_WIDTH, 2.8 * cm)
        self._issuer.drawOn(canvas, MARGIN_X, top - height)
        rule = 1.8 * cm
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, rule, PAGE_WIDTH - MARGIN_X, rule)
        _, height = self._footer.wrapOn(canvas, FRAME_WIDTH * 0.7, 0.9 * cm)
        self._footer.drawOn(canvas, MARGIN_X, rule - 3 - height)
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(FOOTER)
        total = self.total.previous or 0  # known from the second pass on
        canvas.drawRightString(
            PAGE_WIDTH - MARGIN_X, rule - 3 - 7.5, f"Page {canvas.getPageNumber()} / {total}"
        )
        canvas.restoreState()

    def afterFlowable(self, flowable) -> None:
        """A :class:`Heading` becomes a bookmark, an outline entry and a contents line."""
        if isinstance(flowable, Heading):
            self.canv.bookmarkPage(flowable.key)
            self.canv.addOutlineEntry(flowable.title, flowable.key, flowable.level, closed=True)
            self.notify(
                "TOCEntry", (flowable.level, _plain(flowable.title), self.page, flowable.key)
            )

    def render(self, story: list[Flowable]) -> None:
        """Builds ``story`` as many times as the contents and the page total need (twice,
        three times when the contents push the chapters by a page)."""
        self.multiBuild([*story, self.total])


def render(
    story: list[Flowable], frame: PageFrame, *, title: str, author: str, subject: str
) -> bytes:
    """``story`` as a PDF on the house page (see :class:`FlowDocument`)."""
    output = io.BytesIO()
    FlowDocument(output, frame, title=title, author=author, subject=subject).render(story)
    return output.getvalue()


# --- tables ---------------------------------------------------------------------------------------

CELL_PADDING = 3


def column_widths(numeric: Sequence[bool], width: float = FRAME_WIDTH) -> list[float]:
    """Text columns twice as wide as number columns, over ``width``."""
    weights = [1 if is_number else 2 for is_number in numeric]
    total = sum(weights) or 1
    return [width * w / total for w in weights]


def _cell(value: str, width: float, numeric: bool, style: str) -> str | Paragraph:
    """A plain string when it holds on one line of the column (drawn much faster) or is a
    number (never wrapped, as in the HTML documents), else a paragraph wrapped to the
    column."""
    value = value.replace(NARROW_NO_BREAK_SPACE, NO_BREAK_SPACE)
    if (numeric and style == "cell") or (
        "\n" not in value
        and pdfmetrics.stringWidth(value, BOLD if style == "head" else FONT, 8)
        <= width - 2 * CELL_PADDING
    ):
        return value
    return text(value, f"{style}_num" if numeric else style)


def grid(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    numeric: Sequence[bool],
    caption: str = "",
    widths: Sequence[float] | None = None,
) -> Flowable:
    """A table in the house style: ``caption`` as a first row, then the header row, both
    repeated on each page the table runs over; ``rows`` already formatted; ``numeric``
    columns aligned right (their text never wraps)."""
    count = len(headers)
    if not count:  # nothing to lay out: the caption alone says what the table is
        return text(caption or "—", "caption")
    widths = list(widths or column_widths(numeric))
    data: list[list] = []
    if caption:
        data.append([text(caption, "caption")] + [""] * (count - 1))
    data.append([_cell(h, widths[i], numeric[i], "head") for i, h in enumerate(headers)])
    for row in rows:
        cells = [
            _cell(str(row[i]) if i < len(row) else "", widths[i], numeric[i], "cell")
            for i in range(count)
        ]
        data.append(cells)
    head = 1 if caption else 0
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, 8, 10),
        ("TEXTCOLOR", (0, 0), (-1, -1), TEXT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("FONT", (0, head), (-1, head), BOLD, 8, 10),
        ("BACKGROUND", (0, head), (-1, head), HEADER_FILL),
        ("LINEBELOW", (0, head), (-1, head), 0.75, INK),
        ("LINEBELOW", (0, head + 1), (-1, -1), 0.5, ROW_RULE),
    ]
    if caption:
        commands += [
            ("SPAN", (0, 0), (-1, 0)),
            ("LEFTPADDING", (0, 0), (-1, 0), 0),
            ("TOPPADDING", (0, 0), (-1, 0), 8),
            ("BOTTOMPADDING", (0, 0), (-1, 0), 3),
        ]
    commands += [("ALIGN", (i, head), (i, -1), "RIGHT") for i in range(count) if numeric[i]]
    table = Table(data, colWidths=widths, repeatRows=head + 1, style=TableStyle(commands))
    table.spaceAfter = 8
    return table
