"""Benchmark of the reports at department scale (issue 12, « Performance »): the report
computation against the raw SQL aggregates it needs, the report and dashboard pages served
as in production, and a 20-page report PDF.

    .venv/bin/python -m tests.benchmarks.bench_reports [--backend sqlite|postgres]
        [--operations 2000] [--runs 7] [--seconds 5] [--connections 8]
        [--client wrk|python] [--no-serve] [--rebuild]

On the dataset of ``bench_serve`` (2,000 operations, 10,000 lots, 30,000 people, about
500,000 hour lines; built once by ``tests.benchmarks.generate`` and reused):

1. In-process, for operations of different sizes (the dataset's largest by hour lines, a
   median one, a small one) and the year of the samples: ``portal.reports.queries.
   fetch_rows`` (the raw SQL aggregates) and ``portal.reports.services.
   figures_for_operation`` (aggregates + the pure indicators), best and median of
   ``--runs`` after one untimed call; the ratio of the medians. Goal: ≤ 3×.
2. The largest operation's report document (``portal.reports.document``) rendered to PDF by
   ``portal.documents.report_render.render_pdf``: pages, best and median of 3. Goal: < 2 s
   for 20 pages.
3. Served (``bench_serve``'s machinery: gunicorn with the production settings beside a
   hello-world app): an operation's annual report as the AMOI and as the CCVG (goal
   < 200 ms), the dashboard of the year as the AMOI, the CCVG and a commune (goal < 300 ms).
   For each: the time of one request alone (median of 5, the goal's reading), then p50/p95,
   req/s, the ratio to hello-world and the worker's CPU per request under ``--connections``.
   A page that answers anything but 2xx fails the run (exit 1).

The reports' modules come from other branches of issue 12: the script says which one is
missing rather than failing on an import. Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import importlib
import io
import statistics
import sys
import time
from datetime import date

from tests.benchmarks import databases, loadgen, serving
from tests.benchmarks.bench_serve import (
    Page,
    machine,
    make_safe,
    portal_env,
    preflight,
    report_pages,
)
from tests.benchmarks.dataset import Shape

RATIO_GOAL = 3.0  # figures_for_operation ≤ 3 × fetch_rows
REPORT_GOAL_MS, DASHBOARD_GOAL_MS = 200.0, 300.0
PDF_GOAL_S, PDF_PAGES = 2.0, 20
"""Names tried in ``portal.reports.document`` for the function building an operation's
``ReportDocument`` (called with the figures, or the operation and the year)."""


def need(module: str, name: str = ""):
    """``module.name`` (the module itself without a name), or exit with a message saying
    what is missing."""
    try:
        found = importlib.import_module(module)
        if name:
            found = getattr(found, name)
    except (ImportError, AttributeError) as missing:
        raise SystemExit(
            f"bench_reports needs {module}{'.' + name if name else ''} (issue 12, reports "
            f"branches): {missing}. "
            "Merge the reports' branches first."
        ) from missing
    return found


def timed(function, runs: int) -> tuple[float, float, object]:
    """Best and median wall time (ms) of ``runs`` calls after one untimed call; the result."""
    result = function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return min(times), statistics.median(times), result


def _document(operation, year: int, figures):
    """The report page's own document of ``operation`` for ``year`` (the live figures of a
    draft, the frozen ones of a delivered report): what the PDF download renders."""
    del figures  # the page computes them itself; timed above
    return need("portal.reports.views", "_document")(operation, year)[1]


def in_process(url: str, manifest: dict, runs: int) -> int:
    """Computation vs SQL, and the PDF; how many goals were missed."""
    from flask import g
    from sqlalchemy import func, select

    from portal import create_app
    from portal.extensions import db
    from portal.models import HourLine, Lot, Market, Operation, Placement, User

    fetch_rows = need("portal.reports.queries", "fetch_rows")
    figures_for_operation = need("portal.reports.services", "figures_for_operation")
    render_pdf = need("portal.documents.report_render", "render_pdf")
    year = manifest["samples"]["report_year"]
    start, end = date(year, 1, 1), date(year, 12, 31)
    missed = 0
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "JOBS_URL": "immediate"})
    with app.app_context(), app.test_request_context("/"):
        amoi = db.session.scalar(select(User).where(User.email == manifest["users"]["amoi"]))
        g.user, g.org, g.role = amoi, amoi.organisation, amoi.role
        print(f"\n== report computation vs raw SQL aggregates, {year}, best / median of {runs}")
        head = f"{'operation':>10}{'lots':>6}{'lines':>8}{'SQL ms':>16}{'report ms':>16}"
        print(head + f"{'ratio':>8}  goal <= {RATIO_GOAL:.0f}x")
        for op_id in manifest["samples"]["report_operations"]:
            operation = db.session.get(Operation, op_id)
            lots = db.session.scalar(
                select(func.count(Lot.id))
                .join(Market, Lot.market_id == Market.id)
                .where(Market.operation_id == op_id)
            )
            lines = db.session.scalar(
                select(func.count(HourLine.id))
                .join(Placement, HourLine.placement_id == Placement.id)
                .join(Lot, Placement.lot_id == Lot.id)
                .join(Market, Lot.market_id == Market.id)
                .where(Market.operation_id == op_id, HourLine.month.between(start, end))
            )
            sql_best, sql_median, _rows = timed(lambda op=op_id: fetch_rows([op], start, end), runs)
            fig_best, fig_median, _figures = timed(
                lambda op=operation: figures_for_operation(op, year), runs
            )
            ratio = fig_median / sql_median if sql_median else 0.0
            missed += ratio > RATIO_GOAL
            print(
                f"{op_id:>10}{lots:>6}{lines:>8}{sql_best:>8.1f} /{sql_median:>6.1f}"
                f"{fig_best:>8.1f} /{fig_median:>6.1f}{ratio:>7.1f}x  "
                + ("met" if ratio <= RATIO_GOAL else "MISSED")
            )
            db.session.rollback()

        largest = db.session.get(Operation, manifest["samples"]["report_operations"][0])
        figures = figures_for_operation(largest, year)
        document = _document(largest, year, figures)
        best, median, data = timed(lambda: render_pdf(document), 3)
        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(data)).pages)
        ok = median / 1000 < PDF_GOAL_S
        missed += not ok
        print(
            f"\n== report PDF of operation {largest.id}, {year}: {pages} pages, {len(data)} bytes"
        )
        print(
            f"render_pdf best / median of 3: {best:.0f} / {median:.0f} ms "
            f"(goal < {PDF_GOAL_S:.0f} s for {PDF_PAGES} pages: {'met' if ok else 'MISSED'})"
        )
        if pages < PDF_PAGES:
            print(f"  note: {pages} pages, fewer than the goal's {PDF_PAGES}")
    return missed


def served(url: str, manifest: dict, args: argparse.Namespace, logs) -> tuple[int, int]:
    """The report and dashboard pages under load; (failed pages, missed goals)."""
    wrk = loadgen.find_wrk() if args.client == "wrk" else None
    hello = serving.start("hello", "tests.benchmarks.hello_app:app", {}, "/", logs)
    portal = None
    failures = missed = 0
    try:
        portal = serving.start("portal", "wsgi:app", portal_env(url), "/healthz", logs)
        cookies = {
            role: serving.login(portal.host, email, manifest["password"])
            for role, email in manifest["users"].items()
        }

        def load(server, path, headers):
            before = server.cpu_seconds()
            result = loadgen.drive(wrk, server.host, path, headers, args.connections, args.seconds)
            cpu_ms = (server.cpu_seconds() - before) * 1000 / max(result.requests, 1)
            return result, cpu_ms

        serving.fetch(hello.host, "/")
        refs = [load(hello, "/", {})]
        rows = []
        for role, path in report_pages(manifest):
            page = Page(role, path, goal=None)
            cookie = cookies[role]
            problem = preflight(portal.host, page, cookie, {})
            alone = statistics.median(serving.fetch(portal.host, path, cookie).ms for _ in range(5))
            result, cpu_ms = load(portal, path, {"Cookie": cookie})
            rows.append((page, problem, alone, result, cpu_ms))
            print(f"  {path:<36} {role:<8} {alone:7.0f} ms alone", flush=True)
        refs.append(load(hello, "/", {}))
    finally:
        if portal is not None:
            portal.stop()
        hello.stop()
    reference = sum(r.rps for r, _cpu in refs) / len(refs)
    ref_cpu = sum(cpu for _r, cpu in refs) / len(refs)
    print(f"\n== report pages served ({args.connections} connections × {args.seconds} s)")
    head = f"{'page':<36}{'role':<9}{'alone':>7}{'p50':>7}{'p95':>7}{'req/s':>8}{'non-2xx':>8}"
    print(head + f"{'ratio':>7}{'cpu':>6}  goal")
    for page, problem, alone, r, cpu_ms in rows:
        goal = REPORT_GOAL_MS if page.path.startswith("/bilans/") else DASHBOARD_GOAL_MS
        met = alone < goal
        missed += not met
        print(
            f"{page.path:<36}{page.role:<9}{alone:>7.0f}{r.p50_ms:>7.0f}{r.p95_ms:>7.0f}"
            f"{r.rps:>8.1f}{r.non2xx + r.socket_errors:>8}{r.rps / reference:>7.1%}{cpu_ms:>6.1f}"
            f"  < {goal:.0f} ms alone: {'met' if met else 'MISSED'}"
        )
        if problem or r.non2xx or r.socket_errors:
            failures += 1
            print(
                f"!!! FAILURE {page.path} as {page.role}: {problem or 'non-2xx under load'}",
                file=sys.stderr,
            )
    print(f"hello-world reference: {reference:.0f} req/s, {ref_cpu:.2f} ms CPU per request")
    return failures, missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--operations", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--client", choices=("wrk", "python"), default="wrk")
    parser.add_argument("--no-serve", action="store_true", help="in-process figures only")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached dataset")
    args = parser.parse_args()
    # the modules of the other branches first: no dataset build for nothing
    for module, name in (
        ("portal.reports.queries", "fetch_rows"),
        ("portal.reports.services", "figures_for_operation"),
        ("portal.documents.report_render", "render_pdf"),
        ("portal.reports.document", ""),
    ):
        need(module, name)
    shape = Shape(operations=args.operations, lots=5 * args.operations)
    url = databases.backend_url(args.backend, shape)
    print(f"{time.strftime('%Y-%m-%d %H:%M')} · {machine()}")
    print(f"== {args.backend}: {make_safe(url)}")
    manifest = databases.prepare(url, shape, args.rebuild)
    if "report_operations" not in manifest["samples"]:
        raise SystemExit("the cached dataset has no people: run with --rebuild")
    missed = in_process(url, manifest, args.runs)
    failures = 0
    if not args.no_serve:
        logs = databases.BENCH_DIR / "logs" / f"reports-{args.backend}"
        failures, served_missed = served(url, manifest, args, logs)
        missed += served_missed
    print(f"\ngoals missed: {missed}")
    if failures:
        print(f"!!! {failures} page(s) FAILED: see the lines above", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
