"""Benchmark of the heavy work run as jobs (issue 16): the exports and a 20-page PDF, then
the anonymous health check's latency while exports run through the jobs worker.

    .venv/bin/python -m tests.benchmarks.bench_jobs [--backend sqlite|postgres]
        [--operations 2000] [--seconds 10] [--connections 8] [--client wrk|python]
        [--no-serve]

1. In-process, on the dataset of ``bench_serve`` (cached by ``tests.benchmarks.databases``):
   the job functions of the lots export in CSV and XLSX as the AMOI (every lot), wall and
   CPU time, median of 3; and the commune recap PDF with 305 invoices (20 pages through
   ``portal.documents.pdf``), its Jinja and xhtml2pdf shares, and for comparison the same
   table drawn by reportlab's platypus directly (the alternative docs/performance.md
   proposes).
2. Served: ``gunicorn -c gunicorn.conf.py wsgi:app`` with ``PORTAL_EMBEDDED_WORKER=1`` (as
   ``make run``: gunicorn starts ``flask jobs-worker``), the queue in SQLite. ``/healthz``
   is driven for ``--seconds`` idle, then again while a client starts XLSX exports of all
   lots one after the other (POST, then the job's page polled every second, as htmx does,
   until the file is ready), then idle again. Goal: the p99 under exports within 20 % of
   the idle p99 (the mean of the two idle runs).

Not a test: the figures depend on the machine (2 shared cores here); read the ratios.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import sys
import threading
import time
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from tests.benchmarks import databases, loadgen, serving
from tests.benchmarks.bench_serve import machine, portal_env
from tests.benchmarks.dataset import Shape

HEALTH_GOAL = 1.20  # p99 under exports <= 120 % of the idle p99
PDF_ROWS = 305  # invoices in the recap: 20 A4 pages


def _timed(function, runs: int = 3) -> tuple[float, float, object]:
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def in_process(uri: str, manifest: dict) -> None:
    from flask import g
    from pypdf import PdfReader
    from sqlalchemy import select

    from portal import create_app
    from portal.documents.pdf import render_pdf
    from portal.extensions import db
    from portal.markets import exports
    from portal.models import User

    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "JOBS_URL": "immediate"})
    with app.app_context(), app.test_request_context("/"):
        amoi = db.session.scalar(select(User).where(User.email == manifest["users"]["amoi"]))
        g.user, g.org, g.role = amoi, amoi.organisation, amoi.role
        print(
            f"\n== exports as the AMOI (all lots), median of 3 ({manifest['counts']['lots']} lots)"
        )
        print(f"{'export':<34}{'wall s':>8}{'cpu s':>8}{'bytes':>11}")
        rows_wall, rows_cpu, rows = _timed(
            lambda: exports.export_rows(exports.LOT_FILTERS.read({}))
        )
        print(
            f"{'reading the rows (SQL, no ORM)':<34}{rows_wall:>8.2f}{rows_cpu:>8.2f}{len(rows):>11}"
        )
        for name, build in (
            ("lots CSV (job)", exports.lots_csv),
            ("lots XLSX (job)", exports.lots_xlsx),
        ):
            wall, cpu, output = _timed(lambda build=build: build(lambda done, total: None))
            print(f"{name:<34}{wall:>8.2f}{cpu:>8.2f}{len(output.data):>11}")
            db.session.rollback()

        commune = SimpleNamespace(
            name="Commune de Brignais",
            address="Place de Gaulle\n69530 Brignais",
            siret="21690027100013",
            siret_display="216 900 271 00013",
            parent=None,
        )
        invoices = [
            {
                "operation": f"Réhabilitation du groupe scolaire n° {i} et de ses abords",
                "quote_number": f"DEV-2026-{i:04d}",
                "invoice_number": f"FAC-2026-{i:04d}",
                "invoice_label": "Acompte de 50 % sur les prestations d'assistance",
                "paid_on": date(2026, 3, 4),
                "amount": Decimal("1250.50"),
            }
            for i in range(PDF_ROWS)
        ]
        context = {"commune": commune, "ccvg": commune, "year": 2026, "rows": invoices}
        context["total"] = sum(r["amount"] for r in invoices)
        from flask import render_template

        jinja_wall, jinja_cpu, _html = _timed(lambda: render_template("pdf/recap.html", **context))
        wall, cpu, data = _timed(lambda: render_pdf("pdf/recap.html", **context))
        pages = len(PdfReader(io.BytesIO(data)).pages)
        print(f"\n== PDF: the recap of {PDF_ROWS} invoices, {pages} pages, median of 3")
        print(f"{'document':<34}{'wall s':>8}{'cpu s':>8}{'bytes':>11}")
        print(f"{'portal.pdf (Jinja + xhtml2pdf)':<34}{wall:>8.2f}{cpu:>8.2f}{len(data):>11}")
        print(f"{'  of which Jinja':<34}{jinja_wall:>8.2f}{jinja_cpu:>8.2f}")
        rl_wall, rl_cpu, (rl_pages, rl_size) = _timed(lambda: _reportlab_table(invoices))
        label = f"reportlab platypus ({rl_pages} p.)"
        print(f"{label:<34}{rl_wall:>8.2f}{rl_cpu:>8.2f}{rl_size:>11}")
    single_documents(app, manifest)


def single_documents(app, manifest: dict) -> None:
    """One quote PDF and one invoice PDF, served synchronously (a page or two each)."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Invoice

    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        invoice_id = db.session.scalar(select(Invoice.id).order_by(Invoice.id).limit(1))
        client = app.test_client()
        login = {"email": manifest["users"]["amoi"], "password": manifest["password"]}
        assert client.post("/connexion", data=login).status_code == 303
        print("\n== single documents, served in the request (median of 3)")
        print(f"{'document':<34}{'wall s':>8}{'cpu s':>8}{'bytes':>11}")
        for name, url in (
            ("one quote PDF", f"/devis/{manifest['samples']['quote']}.pdf"),
            ("one invoice PDF (Factur-X)", f"/factures/{invoice_id}.pdf"),
        ):
            wall, cpu, response = _timed(lambda url=url: client.get(url))
            assert response.status_code == 200, (url, response.status_code)
            print(f"{name:<34}{wall:>8.2f}{cpu:>8.2f}{len(response.get_data()):>11}")


def _reportlab_table(invoices: list[dict]) -> tuple[int, int]:
    """The same table (wrapping cells, header repeated) drawn by reportlab directly."""
    from pypdf import PdfReader
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from portal.documents.pdf import FONTS_DIR
    from portal.formatting import day, money

    pdfmetrics.registerFont(TTFont("dejavusans", str(FONTS_DIR / "DejaVuSans.ttf")))
    style = getSampleStyleSheet()["BodyText"]
    style.fontName, style.fontSize, style.leading = "dejavusans", 8, 10
    header = ["Opération", "Devis", "Facture", "Objet", "Payée le", "Montant"]
    body = [
        [
            Paragraph(r["operation"], style),
            r["quote_number"],
            r["invoice_number"],
            Paragraph(r["invoice_label"], style),
            day(r["paid_on"]),
            money(r["amount"]),
        ]
        for r in invoices
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, topMargin=4.2 * cm, bottomMargin=2.2 * cm, leftMargin=1.8 * cm
    )
    table = Table(
        [header, *body], repeatRows=1, colWidths=[c * cm for c in (4, 2.6, 2.6, 3.6, 2, 2.6)]
    )
    table.setStyle(
        TableStyle(
            [("FONT", (0, 0), (-1, -1), "dejavusans", 8), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        )
    )
    document.build([table])
    data = buffer.getvalue()
    return len(PdfReader(io.BytesIO(data)).pages), len(data)


TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')


class Exporter(threading.Thread):
    """Starts XLSX exports of all lots one after the other, as a user would (POST, then the
    job's page every second until its file is ready), until told to stop."""

    def __init__(self, host: str, cookie: str):
        super().__init__(daemon=True)
        self.host, self.cookie = host, cookie
        self.stop = threading.Event()
        self.durations: list[float] = []
        self.failures = 0

    def run(self) -> None:
        page = serving.fetch(self.host, "/lots/", self.cookie)
        self.cookie = serving._session_cookie(page, self.cookie)  # the CSRF token's session
        token = TOKEN.search(page.body)
        headers = {"X-CSRFToken": token[1]} if token else {}
        while not self.stop.is_set():
            started = time.perf_counter()
            answer = serving.fetch(self.host, "/lots/export.xlsx", self.cookie, headers, "POST", "")
            location = answer.headers.get("Location", "")
            if answer.status != 303 or not location.startswith("/exports/"):
                self.failures += 1
                time.sleep(1)
                continue
            while not self.stop.is_set():
                time.sleep(1)
                status = serving.fetch(self.host, location, self.cookie, {"HX-Request": "true"})
                if status.status == 286:
                    if "/fichier" in status.body:
                        self.durations.append(time.perf_counter() - started)
                    else:
                        self.failures += 1
                    break


def served(uri: str, manifest: dict, args: argparse.Namespace) -> int:
    logs = databases.BENCH_DIR / "logs" / "jobs"
    env = {
        **portal_env(uri),
        "PORTAL_EMBEDDED_WORKER": "1",
        "PORTAL_JOBS_URL": f"sqlite:///{databases.BENCH_DIR / 'jobs-queue.sqlite'}",
        "PORTAL_JOBS_FILES_DIR": str(databases.BENCH_DIR / "exports"),
    }
    wrk = loadgen.find_wrk() if args.client == "wrk" else None
    portal = serving.start("portal-jobs", "wsgi:app", env, "/healthz", logs)
    try:
        cookie = serving.login(portal.host, manifest["users"]["amoi"], manifest["password"])

        def health() -> loadgen.Result:
            return loadgen.drive(wrk, portal.host, "/healthz", {}, args.connections, args.seconds)

        idle = health()
        exporter = Exporter(portal.host, cookie)
        exporter.start()
        time.sleep(2)  # the first export is running
        busy = health()
        exporter.stop.set()
        exporter.join(timeout=120)
        idle_after = health()
    finally:
        portal.stop()
    print(
        f"\n== /healthz (anonymous), {args.connections} connections × {args.seconds} s, {idle.client}"
    )
    print(f"{'while':<34}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'non-2xx':>8}")
    for name, r in (
        ("idle", idle),
        ("XLSX exports running as jobs", busy),
        ("idle again", idle_after),
    ):
        print(
            f"{name:<34}{r.rps:>8.0f}{r.p50_ms:>7.1f}{r.p95_ms:>7.1f}{r.p99_ms:>7.1f}{r.non2xx:>8}"
        )
    # The reference is the mean of the idle runs before and after, as bench_serve does
    # with hello-world: the machine's neighbours move both.
    reference = (idle.p99_ms + idle_after.p99_ms) / 2
    ratio = busy.p99_ms / reference if reference else 0.0
    done = ", ".join(f"{d:.1f}" for d in exporter.durations) or "none"
    print(f"exports finished during the load: {len(exporter.durations)} ({done} s from the click)")
    print(f"export failures: {exporter.failures}")
    verdict = "yes" if ratio <= HEALTH_GOAL else "no"
    print(
        f"p99 under exports / mean idle p99: {ratio:.0%} (goal <= {HEALTH_GOAL:.0%}): met {verdict}"
        f" · load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    return exporter.failures + (ratio > HEALTH_GOAL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--operations", type=int, default=2000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--client", choices=("wrk", "python"), default="wrk")
    parser.add_argument("--no-serve", action="store_true", help="in-process figures only")
    args = parser.parse_args()
    shape = Shape(operations=args.operations, lots=5 * args.operations)
    uri = databases.backend_url(args.backend, shape)
    print(f"{time.strftime('%Y-%m-%d %H:%M')} · {machine()} · {args.backend}")
    manifest = databases.prepare(uri, shape)
    in_process(uri, manifest)
    problems = 0 if args.no_serve else served(uri, manifest, args)
    os.environ.pop("PORTAL_EMBEDDED_WORKER", None)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
