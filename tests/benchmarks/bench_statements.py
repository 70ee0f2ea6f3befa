"""Benchmark of reading monthly hour statements (portal.statements.reader; prints numbers).

    .venv/bin/python -m tests.benchmarks.bench_statements [--lines 10000] [--runs 5]

Builds a statement of ``--lines`` lines (fictitious people, a few lots, one month) as a
French Excel CSV (« ; », Windows-1252, decimal commas), as a UTF-8 CSV separated by « , »
with quoted decimals, and as an XLSX with date cells — once as Excel writes it (the sheet
declares its dimension), once without the dimension (openpyxl's streaming writer; openpyxl
then reads the sheet twice) —, then times :func:`read_statement` on each: best and median of ``--runs`` runs, with the
file's size. Not a test: numbers depend on the machine. The goal of issue 10 is the whole
import of a 10,000-line file under 2 s; reading it should stay well under 1 s.
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
import time
from datetime import date, datetime
from decimal import Decimal

import openpyxl

from portal.statements.reader import HEADERS, Limits, read_statement

LAST_NAMES = ("Martin", "Lefèvre", "Cœur", "N'Diaye", "Petit", "Durand", "Moreau", "Girard")
FIRST_NAMES = ("Zoé", "Aïssata", "Noé", "Léa", "Jean-Noël", "Inès", "Hugo", "Chloé")


def lines(count: int):
    for n in range(count):
        yield (
            f"{LAST_NAMES[n % 8]}-{n}",
            FIRST_NAMES[n % 7],
            date(1960 + n % 45, 1 + n % 12, 1 + n % 28),
            f"2026-{n % 40:03d} lot {1 + n % 5}",
            date(2026, 3, 1),
            Decimal(n % 25_000) / 100,
            Decimal(n % 700) / 100 if n % 25_000 >= 700 else Decimal(0),
        )


def csv_file(count: int, delimiter: str, encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for last, first, born, lot, month, hours, training in lines(count):
        writer.writerow(
            [
                last,
                first,
                born.strftime("%d/%m/%Y"),
                lot,
                month.strftime("%m/%Y"),
                f"{hours:f}".replace(".", ","),
                f"{training:f}".replace(".", ","),
            ]
        )
    return buffer.getvalue().encode(encoding)


def xlsx_file(count: int, *, dimension: bool = True) -> bytes:
    """As Excel writes it (``dimension``: the sheet declares its size first) or as
    openpyxl's streaming writer does, without it — openpyxl then scans the whole sheet once
    more to find its size when it opens it."""
    workbook = openpyxl.Workbook(write_only=not dimension)
    sheet = workbook.active if dimension else workbook.create_sheet()
    sheet.title = "Relevé"
    sheet.append(HEADERS)
    for last, first, born, lot, month, hours, training in lines(count):
        sheet.append(
            [
                last,
                first,
                datetime.combine(born, datetime.min.time()),
                lot,
                datetime.combine(month, datetime.min.time()),
                float(hours),
                float(training),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def measure(data: bytes, filename: str, count: int, runs: int) -> tuple[float, float]:
    limits = Limits(max_rows=max(count, Limits().max_rows), max_bytes=max(len(data), 1))
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        statement = read_statement(data, filename, limits=limits)
        timings.append(time.perf_counter() - start)
        assert len(statement.rows) == count and not statement.errors, statement.errors[:3]
    return min(timings), statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    files = [
        ("CSV « ; » Windows-1252", "releve.csv", csv_file(args.lines, ";", "cp1252")),
        ("CSV « , » UTF-8", "releve.csv", csv_file(args.lines, ",", "utf-8-sig")),
        ("XLSX as Excel writes it", "releve.xlsx", xlsx_file(args.lines)),
        ("XLSX without dimension", "releve.xlsx", xlsx_file(args.lines, dimension=False)),
    ]
    print(f"read_statement, {args.lines} lines, best / median of {args.runs} runs")
    for label, filename, data in files:
        best, median = measure(data, filename, args.lines, args.runs)
        print(
            f"  {label:<24} {len(data) / 1024:8.0f} Kio   "
            f"{best * 1000:7.0f} ms / {median * 1000:7.0f} ms"
        )


if __name__ == "__main__":
    main()
