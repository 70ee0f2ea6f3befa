"""Benchmark of the report renderers (issue 12; prints numbers).

    .venv/bin/python -m tests.benchmarks.bench_report_pdf [--runs 5] [--lots 6] [--rows 50]
        [--profile [--all-frames]]

Builds a report of about twenty pages (docs/domain.md §9): seven chapters (the indicators),
the hours chapter with one subsection per lot, each with a table of ``--rows`` monthly
lines, tables of typology, modalities and exits, eight charts, the AMOI's text; then times
:func:`render_pdf`, :func:`render_xlsx` and :func:`render_docx` (best and median of
``--runs``), after one warm-up run (fonts and matplotlib loaded once per process, as in a
server; the first run is printed too: it draws the charts, which later runs find in the
charts' caches). Goal: a PDF of twenty pages or more under 2 s on this machine; the run
says so when the document is shorter than twenty pages. ``--profile`` prints where
the PDF's time goes (pyinstrument; ``--all-frames`` for every frame). Not a test: numbers
depend on the machine.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from datetime import date
from decimal import Decimal

from pypdf import PdfReader

from portal.documents import charts
from portal.documents import report_render as render
from portal.documents.report_document import ReportDocument, Section, Table

TRADES = (
    "Gros œuvre",
    "Électricité",
    "Plâtrerie – peinture",
    "Menuiseries extérieures",
    "Plomberie – chauffage",
    "Espaces verts",
    "Voirie et réseaux divers",
    "Couverture – zinguerie",
)
FIRST_NAMES = ("Zoé", "Aïssata", "Noé", "Léa", "Jean-Noël", "Inès", "Hugo", "Chloé")
MONTHS = [date(2026, m, 1) for m in range(1, 13)]


def _hours(seed: int) -> Decimal:
    return Decimal((seed * 37) % 151 + 20) + Decimal((seed * 13) % 4) / 4


def lot_section(index: int, rows: int) -> Section:
    trade = TRADES[index % len(TRADES)]
    lines = tuple(
        (
            f"{FIRST_NAMES[(index + n) % len(FIRST_NAMES)]} – relevé n°{n + 1}",
            MONTHS[n % 12],
            ("CDDI", "Intérim", "CDD", "CDI")[n % 4],
            _hours(index * 100 + n),
            Decimal((n % 7) + 1) / 10,
        )
        for n in range(rows)
    )
    table = Table(
        f"Heures validées par relevé – lot {index + 1}",
        ("Personne et relevé", "Mois", "Contrat", "Heures", "Part du lot"),
        lines,
        ("", "", "", "h", "%"),
    )
    return Section(
        f"Lot {index + 1} – {trade}",
        paragraphs=(
            f"Le lot {index + 1} ({trade.lower()}) a réalisé ses heures sur douze mois ; "
            "les relevés refusés ne sont pas comptés.",
        ),
        tables=(table,),
    )


def build_document(lots: int = 6, rows: int = 40) -> ReportDocument:
    by_lot = [(f"Lot {i + 1} – {TRADES[i % len(TRADES)]}", _hours(i) * 10) for i in range(lots)]
    monthly = {
        "Réalisées": {m: _hours(i) for i, m in enumerate(MONTHS)},
        "Prévues": {m: Decimal(120) for m in MONTHS},
    }
    hours_table = Table(
        "Heures prévues et réalisées par lot",
        ("Lot", "Prévues", "Réalisées", "Taux", "ETP"),
        tuple(
            (name, Decimal(2000), value, value / Decimal(2000), value / Decimal("1607"))
            for name, value in by_lot
        ),
        ("", "h", "h", "%", ""),
    )

    def bands(title: str, labels: tuple[str, ...]) -> tuple[Table, charts.Chart]:
        counts = [(label, (7 * n + 3) % 11 + 1) for n, label in enumerate(labels)]
        total = sum(c for _, c in counts)
        table = Table(
            title,
            ("Catégorie", "Personnes", "Part"),
            tuple((label, c, Decimal(c) / total) for label, c in counts),
            ("", "", "%"),
        )
        chart = charts.bar_chart(title, counts, category="Catégorie", measure="Personnes")
        return table, chart

    sex = bands("Personnes par sexe", ("Femmes", "Hommes"))
    ages = bands(
        "Personnes par tranche d'âge à l'entrée",
        ("Moins de 26 ans", "26 à 49 ans", "50 ans et plus"),
    )
    levels = bands(
        "Personnes par niveau de qualification",
        ("Infra 3", "Niveau 3 (CAP, BEP)", "Niveau 4 (bac)", "Niveau 5 et plus"),
    )
    modalities = bands(
        "Modalités d'insertion",
        ("Embauche directe", "Mise à disposition (ETTI)", "Mise à disposition (AI)", "GEIQ"),
    )
    contracts = bands(
        "Contrats de travail", ("CDDI", "Intérim", "CDD", "CDI", "Contrat de professionnalisation")
    )
    exits = bands(
        "Situation à la sortie",
        ("Emploi durable", "Emploi de transition", "Sortie positive", "Autre", "Neutralisée"),
    )
    markets = Table(
        "Marchés concernés",
        ("Référence", "Acheteur", "Fondement", "Titulaire", "Heures prévues"),
        tuple(
            (
                f"2026-TRX-{n:03d}",
                "Commune de Saint-Genis",
                "Article L2112-2",
                f"Entreprise {TRADES[n % len(TRADES)]}",
                Decimal(2000),
            )
            for n in range(lots)
        ),
        ("", "", "", "", "h"),
    )
    communes = Table(
        "Personnes par commune de résidence",
        ("Commune", "Personnes", "dont QPV"),
        tuple((f"Commune n°{n + 1} – Saint-Étienne", (n * 5) % 9 + 1, n % 3) for n in range(30)),
    )
    interpretation = (
        "Les parcours ont été suivis mois par mois avec les entreprises titulaires ; "
        "l'œuvre commune de l'AMOI et des structures d'insertion a permis de tenir les "
        "objectifs malgré un démarrage tardif du gros œuvre. " * 3,
        "Relation avec les entreprises : rencontres trimestrielles, visites de chantier, "
        "ajustement des plannings de mise à disposition. " * 3,
        "Actions engagées : information collective, préparation à l'emploi, formation "
        "courte aux gestes de chantier, accompagnement à la sortie. " * 3,
    )
    return ReportDocument(
        title="Bilan annuel 2026 — Réhabilitation de l'école",
        subject="Opération « Réhabilitation de l'école Jules-Ferry », Saint-Genis",
        author="Sud-Ouest Emploi — AMO Insertion",
        issued_on=date(2026, 12, 3),
        status_line="Projet : chiffres provisoires, non remis",
        filename="bilan-annuel-2026-bench",
        sections=(
            Section(
                "Heures d'insertion",
                sheet="Heures",
                paragraphs=("Heures validées seulement, comparées aux heures prévues.",),
                tables=(hours_table,),
                charts=(
                    charts.bar_chart("Heures réalisées par lot", by_lot, unit="h"),
                    charts.monthly_series("Heures par mois", monthly, unit="h"),
                ),
                subsections=tuple(lot_section(i, rows) for i in range(lots)),
            ),
            Section("Marchés concernés", sheet="Marchés", tables=(markets,)),
            Section(
                "Personnes et typologie",
                sheet="Typologie",
                tables=(sex[0], ages[0], levels[0], communes),
                charts=(sex[1], ages[1], levels[1]),
            ),
            Section(
                "Modalités et contrats",
                sheet="Modalités",
                tables=(modalities[0], contracts[0]),
                charts=(modalities[1], contracts[1]),
            ),
            Section(
                "Situation après le contrat",
                sheet="Sorties",
                paragraphs=(
                    "Taux de sortie dynamique : sorties en emploi durable, de transition ou "
                    "positives, rapportées aux sorties non neutralisées.",
                ),
                tables=(exits[0],),
                charts=(exits[1],),
            ),
            Section("Interprétation de l'AMOI", sheet="Interprétation", paragraphs=interpretation),
        ),
    )


def timed(function, doc, runs: int) -> tuple[float, list[float], list[float], bytes]:
    """The first run's wall-clock time, then wall-clock and CPU times of ``runs`` runs after
    it (fonts, matplotlib, templates and charts are loaded once per process, as in a
    server). The CPU time is printed too: on a machine shared with other work the
    wall-clock time also counts the waits."""
    start = time.perf_counter()
    function(doc)
    first = time.perf_counter() - start
    walls, cpus, data = [], [], b""
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        data = function(doc)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return first, walls, cpus, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--lots", type=int, default=6)
    parser.add_argument("--rows", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--all-frames", action="store_true", help="with --profile: every frame")
    args = parser.parse_args()

    from portal import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    doc = build_document(args.lots, args.rows)
    with app.app_context():
        if args.profile:
            from pyinstrument import Profiler

            render.render_pdf(doc)
            profiler = Profiler(interval=0.001)
            profiler.start()
            render.render_pdf(doc)
            profiler.stop()
            print(profiler.output_text(color=False, show_all=args.all_frames))
            return
        charts_count = sum(len(s.charts) for s in doc.sections)
        print(
            f"Report: {len(doc.sections)} chapters, {args.lots} lots × {args.rows} rows, "
            f"{charts_count} charts"
        )
        for name, function in (
            ("PDF", render.render_pdf),
            ("XLSX", render.render_xlsx),
            ("DOCX", render.render_docx),
        ):
            first, walls, cpus, data = timed(function, doc, args.runs)
            extra = ""
            if name == "PDF":
                pages = len(PdfReader(io.BytesIO(data)).pages)
                extra = f", {pages} pages"
                if pages < 20:
                    extra += " — fewer than 20: raise --rows or --lots"
            print(
                f"{name:5} first {first:.3f} s; "
                f"wall best {min(walls):.3f} s, median {statistics.median(walls):.3f} s; "
                f"CPU best {min(cpus):.3f} s, median {statistics.median(cpus):.3f} s "
                f"({len(data) / 1024:.0f} KiB{extra})"
            )


if __name__ == "__main__":
    main()
