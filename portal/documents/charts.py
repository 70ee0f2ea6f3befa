"""Charts drawn on the server (docs/architecture.md §7): SVG for the pages and the report PDF (read
by svglib, drawn as vectors: ``portal.documents.report_pdf``), PNG for the DOCX and the
HTML-template PDFs (xhtml2pdf does not draw SVG reliably), from plain data — for the statements
(#8) and the reports (#10).

Each chart comes with what makes it readable without seeing it: a French sentence for the
image's ``alt`` (:attr:`Chart.alt`) and the data table (:attr:`Chart.table`, values formatted
the French way), which the page shows beside the image (``templates/_layout/charts.html``).

Drawn with matplotlib's object API (``Figure`` and the Agg canvas; never ``pyplot``, whose
global state is not thread-safe) in the DejaVu Sans font vendored in ``static/fonts/`` (the
PDFs' font), with a fixed size and no date, random id or version in the output: the same
data give the same bytes, so tests can compare them. Pages embed the SVG as an image
(``data:`` URI): the Content-Security-Policy refuses the inline styles an inline SVG would
carry, and an image keeps the glyphs exactly as drawn (text is drawn as paths).
"""

from __future__ import annotations

import base64
import io
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

import matplotlib
from babel.dates import format_date
from babel.numbers import format_decimal
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

from portal.documents.pdf import FONTS_DIR
from portal.french import plural

Number = Decimal | int | float

# Read when a file is written, once for all (never changed afterwards: thread-safe).
matplotlib.rcParams.update(
    {
        "svg.hashsalt": "passerelle",  # clip-path ids from a fixed salt, not a random one
        "svg.fonttype": "path",
        "axes.unicode_minus": False,
    }
)
FONT = FontProperties(fname=FONTS_DIR / "DejaVuSans.ttf", size=9)
SMALL = FontProperties(fname=FONTS_DIR / "DejaVuSans.ttf", size=8)
INK = "#1f2328"
MUTED = "#4b5563"
GRID = "#c7ccd4"
COLOURS = ("#1e3a8a", "#b45309", "#166534", "#a61b1b", "#6b21a8")  # the portal's palette
SIZE = (720, 320)  # pixels at scale 1; the PNG for print is drawn at scale 2
DPI = 100
UNITS = {"h": "h", "€": "€", "": ""}
_DRAWING = threading.Lock()  # matplotlib's font cache and text layout are shared
_SVG_CACHE: dict[tuple, str] = {}  # (title, alt, table) → data URI; cleared when full
_SVG_CACHE_SIZE = 256


def french_number(value: Number | None, unit: str = "") -> str:
    """``1 250,5 h``, ``151,67 h``, ``1 250,00 €``: babel's French format (euros with two
    decimals, other numbers with up to two), with a no-break space (the narrow one babel
    writes would be a line-break chance in a PDF)."""
    if value is None:
        return "—"
    pattern = "#,##0.00" if unit == "€" else "#,##0.##"
    text = format_decimal(Decimal(str(value)), format=pattern, locale="fr_FR")
    text = text.replace("\u202f", "\u00a0")
    return f"{text}\u00a0{unit}" if unit else text


@dataclass(frozen=True)
class ChartTable:
    """The data of a chart as a table: a caption, the column headers, the rows as French
    strings (the first column names the row)."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    """A chart ready to draw: its title, its text alternative, its data table, and the
    figure drawn on demand as SVG (pages) or PNG (PDFs)."""

    title: str
    alt: str
    table: ChartTable
    _draw: object  # Callable[[Figure], None], kept out of the public surface

    def _figure(self) -> Figure:
        figure = Figure(figsize=(SIZE[0] / DPI, SIZE[1] / DPI), dpi=DPI, layout="constrained")
        self._draw(figure)  # type: ignore[operator]
        return figure

    def svg(self) -> str:
        """The chart as an SVG document, with its title and text alternative inside."""
        with _DRAWING:
            figure = self._figure()
            buffer = io.StringIO()
            figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        text = buffer.getvalue()
        text = text[text.index("<svg") :]  # no XML declaration, no DOCTYPE naming a remote DTD
        start = text.index(">") + 1
        label = f"<title>{escape(self.title)}</title><desc>{escape(self.alt)}</desc>"
        return text[:start] + label + text[start:]

    def png(self, scale: float = 2) -> bytes:
        """The chart as a PNG of ``SIZE`` × ``scale`` pixels (2: sharp once printed)."""
        with _DRAWING:
            figure = self._figure()
            buffer = io.BytesIO()
            FigureCanvasAgg(figure)  # Agg draws the PNG (no GUI backend is ever loaded)
            figure.savefig(buffer, format="png", dpi=DPI * scale, metadata={"Software": None})
        return buffer.getvalue()

    def svg_data_uri(self) -> str:
        """The SVG as a ``data:`` URI, drawn once per distinct chart: the same title, text
        alternative and data table are the same drawing, so a page shown again (a report, the
        dashboard, a lot) does not draw it again (``_SVG_CACHE``, bounded)."""
        key = (self.title, self.alt, self.table)
        uri = _SVG_CACHE.get(key)
        if uri is None:
            uri = "data:image/svg+xml;base64," + base64.b64encode(self.svg().encode()).decode()
            if len(_SVG_CACHE) >= _SVG_CACHE_SIZE:
                _SVG_CACHE.clear()
            _SVG_CACHE[key] = uri
        return uri

    def svg_bytes(self) -> bytes:
        """The SVG of :meth:`svg_data_uri` (drawn once per distinct chart), for the report
        PDF, which draws it as vectors (``portal.documents.report_pdf``)."""
        return base64.b64decode(self.svg_data_uri().split(",", 1)[1])

    def png_data_uri(self, scale: float = 2) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png(scale)).decode()


# --- drawing helpers ----------------------------------------------------------------------


def _axes(figure: Figure, values: Sequence[float], unit: str):
    axes = figure.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(GRID)
    axes.set_axisbelow(True)
    axes.grid(axis="y", color=GRID, linewidth=0.6)
    axes.tick_params(colors=MUTED, length=0)
    top = max((v for v in values if not math.isnan(v)), default=0)
    ticks = MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10], min_n_ticks=3).tick_values(0, top or 1)
    ticks = [t for t in ticks if t >= 0]
    axes.set_ylim(0, max(ticks[-1], top * 1.12 or 1))
    axes.set_yticks(ticks, [french_number(t, unit) for t in ticks], fontproperties=SMALL)
    return axes


def _empty(figure: Figure) -> None:
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(
        0.5,
        0.5,
        "Aucune donnée à représenter",
        ha="center",
        va="center",
        fontproperties=FONT,
        color=MUTED,
    )


def _float(value: Number | None) -> float:
    return math.nan if value is None else float(value)


def _short(label: str, width: int = 22) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


# --- bar chart ----------------------------------------------------------------------------


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, Number]],
    *,
    unit: str = "",
    category: str = "Élément",
    measure: str = "Valeur",
) -> Chart:
    """One bar per ``(label, value)``, in the given order, each labelled with its value.
    ``category`` and ``measure`` head the data table's columns (« Lot », « Heures »)."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}")
    labels = [label for label, _ in bars]
    values = [_float(value) for _, value in bars]
    table = ChartTable(
        title, (category, measure), tuple((label, french_number(v, unit)) for label, v in bars)
    )

    def draw(figure: Figure) -> None:
        if not bars:
            return _empty(figure)
        axes = _axes(figure, values, unit)
        positions = range(len(bars))
        drawn = axes.bar(positions, values, color=COLOURS[0], width=0.6)
        axes.bar_label(
            drawn,
            labels=[french_number(v, unit) for _, v in bars],
            padding=2,
            fontproperties=SMALL,
            color=INK,
        )
        rotation = 30 if len(bars) > 6 else 0
        axes.set_xticks(
            list(positions),
            [_short(label) for label in labels],
            fontproperties=SMALL,
            rotation=rotation,
            ha="right" if rotation else "center",
        )
        axes.set_xlim(-0.6, len(bars) - 0.4)
        return None

    return Chart(title, _bar_alt(title, bars, unit), table, draw)


def _bar_alt(title: str, bars: Sequence[tuple[str, Number]], unit: str) -> str:
    if not bars:
        return f"{title} : aucune donnée à représenter."
    low = min(bars, key=lambda bar: bar[1])
    high = max(bars, key=lambda bar: bar[1])
    count = len(bars)
    return (
        f"{title} : diagramme en barres de {count} {plural(count, 'valeur')}, "
        f"de {french_number(low[1], unit)} ({low[0]}) à {french_number(high[1], unit)} "
        f"({high[0]}). Le tableau qui suit donne chaque valeur."
    )


# --- monthly series -----------------------------------------------------------------------


def month_label(month: date) -> str:
    """``mars 2026``."""
    return format_date(month, "MMMM y", locale="fr_FR")


def _months(first: date, last: date) -> list[date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def monthly_series(
    title: str,
    series: Mapping[str, Mapping[date, Number | None]],
    *,
    unit: str = "",
) -> Chart:
    """One line per series (``{"Heures réalisées": {date(2026, 3, 1): 151.67, …}}``), one
    point per month from the first to the last month given; a month without a value is a
    gap, not a zero. The data table has a row per month and a column per series."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}")
    given = sorted({m.replace(day=1) for points in series.values() for m in points})
    months = _months(given[0], given[-1]) if given else []
    by_month = {
        name: {m.replace(day=1): value for m, value in points.items()}
        for name, points in series.items()
    }
    rows = tuple(
        (month_label(m), *(french_number(by_month[name].get(m), unit) for name in series))
        for m in months
    )
    table = ChartTable(title, ("Mois", *series), rows)

    def draw(figure: Figure) -> None:
        if not months:
            return _empty(figure)
        every = [_float(by_month[name].get(m)) for name in series for m in months]
        axes = _axes(figure, every, unit)
        for index, name in enumerate(series):
            axes.plot(
                range(len(months)),
                [_float(by_month[name].get(m)) for m in months],
                color=COLOURS[index % len(COLOURS)],
                marker="o",
                markersize=4,
                linewidth=1.8,
                label=name,
            )
        step = max(1, math.ceil(len(months) / 12))
        shown = list(range(0, len(months), step))
        axes.set_xticks(shown, _month_ticks([months[i] for i in shown]), fontproperties=SMALL)
        axes.set_xlim(-0.5, len(months) - 0.5)
        if len(series) > 1:
            axes.legend(prop=SMALL, frameon=False, loc="upper left")
        return None

    return Chart(title, _series_alt(title, series, months, unit), table, draw)


def _month_ticks(months: Sequence[date]) -> list[str]:
    """Short month names, the year under the first one and under each January (« janv.
    2026 » written in full under every tick made twelve labels overlap)."""
    labels, year = [], None
    for month in months:
        label = format_date(month, "MMM", locale="fr_FR")
        if month.year != year:
            label, year = f"{label}\n{month.year}", month.year
        labels.append(label)
    return labels


def _series_alt(title, series, months, unit) -> str:
    if not months:
        return f"{title} : aucune donnée à représenter."
    parts = []
    for name, points in series.items():
        values = [v for v in points.values() if v is not None]
        total = sum((Decimal(str(v)) for v in values), Decimal(0))
        parts.append(f"{name} : {french_number(total, unit)} au total")
    span = f"de {month_label(months[0])} à {month_label(months[-1])}"
    if len(months) == 1:
        span = f"en {month_label(months[0])}"
    return (
        f"{title} : courbe mensuelle {span} ; {' ; '.join(parts)}. "
        "Le tableau qui suit donne chaque mois."
    )
