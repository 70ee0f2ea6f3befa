"""A run on SQLite alone says loudly that the concurrency tests proved nothing (issue 14):
SQLite serialises every writer, so only the PostgreSQL pass can catch a race."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RACE = "tests/quotes/test_numbering.py::test_concurrent_submissions_get_distinct_gapless_numbers"


def _run_on_sqlite(**extra_env: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_TEST_DATABASE_URL"}
    env.update(PORTAL_TEST_BACKEND="sqlite", **extra_env)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", f"{RACE}[counter-exists]"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_sqlite_alone_ends_with_the_warning_and_names_the_concurrency_tests():
    output = _run_on_sqlite()
    assert "PostgreSQL not tested" in output
    assert "PostgreSQL was NOT tested" in output
    assert "1 concurrency test ran on SQLite only" in output
    assert f"  {RACE}[counter-exists]" in output


def test_sqlite_pass_before_a_postgresql_pass_only_notes_it():
    output = _run_on_sqlite(PORTAL_TEST_DATABASE_URL="postgresql+psycopg://unused/never")
    assert "PostgreSQL was NOT tested" not in output
    assert "1 concurrency test will be proven by the PostgreSQL pass" in output
