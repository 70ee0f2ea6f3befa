"""Build (or reuse) the department-scale benchmark dataset, and say what it holds
(issues 15 and 12).

    .venv/bin/python -m tests.benchmarks.generate [--backend sqlite|postgres]
        [--operations 2000] [--people 30000] [--hour-lines 500000] [--rebuild]

or, as a Flask command (the portal does not import ``tests/``: this module is the app the
command runs in):

    FLASK_APP=tests.benchmarks.generate .venv/bin/flask generate-bench-data [same options]

2,000 operations, 10,000 lots, their quotes and invoices (``tests.benchmarks.dataset``),
30,000 people with their candidacies, decisions and placements, and about 500,000 monthly
hour lines over January 2024 – November 2026 (``tests.benchmarks.dataset_people``), in the
benchmark database of the backend: ``instance/bench/bench-<key>.sqlite``, or
``<PORTAL_TEST_DATABASE_URL's database>_bench`` on PostgreSQL. A database already holding
the same shape is reused unless ``--rebuild``. Prints the build time and the rows per table.
"""

from __future__ import annotations

import time

import click
from sqlalchemy import make_url

from tests.benchmarks import databases
from tests.benchmarks.dataset import Shape


def generate(backend: str, operations: int, people: int, hour_lines: int, rebuild: bool):
    """The manifest of the benchmark database of ``backend``, built if needed."""
    from portal import create_app
    from portal.extensions import db
    from tests.benchmarks.dataset import row_counts

    shape = Shape(operations=operations, lots=5 * operations, people=people, hour_lines=hour_lines)
    url = databases.backend_url(backend, shape)
    started = time.perf_counter()
    manifest = databases.prepare(url, shape, rebuild)
    elapsed = time.perf_counter() - started
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        counts = row_counts()
        db.engine.dispose()
    click.echo(f"{backend}: {make_url(url).render_as_string(hide_password=True)}")
    click.echo(
        f"  built in {manifest['built_seconds']} s (people and statements: "
        f"{manifest.get('people_seconds', '?')} s); this run {elapsed:.0f} s"
    )
    for table, count in counts.items():
        click.echo(f"  {table:<24}{count:>10,}".replace(",", " "))
    click.echo(f"  samples: {manifest['samples']}")
    return manifest


OPTIONS = (
    click.option("--backend", type=click.Choice(["sqlite", "postgres"]), default="sqlite"),
    click.option("--operations", type=int, default=2000, show_default=True),
    click.option("--people", type=int, default=30_000, show_default=True),
    click.option("--hour-lines", type=int, default=500_000, show_default=True),
    click.option("--rebuild", is_flag=True, help="Rebuild even if the dataset is cached."),
)


def _with_options(function):
    for option in reversed(OPTIONS):
        function = option(function)
    return function


@click.command("generate-bench-data")
@_with_options
def generate_bench_data(backend, operations, people, hour_lines, rebuild) -> None:
    """Build the department-scale benchmark dataset (tests/benchmarks)."""
    generate(backend, operations, people, hour_lines, rebuild)


def create_app():
    """The portal with the ``generate-bench-data`` command, for ``FLASK_APP``."""
    from portal import create_app as portal_app

    app = portal_app()
    app.cli.add_command(generate_bench_data)
    return app


@click.command()
@_with_options
def main(backend, operations, people, hour_lines, rebuild) -> None:
    generate(backend, operations, people, hour_lines, rebuild)


if __name__ == "__main__":
    main()
