"""The statement reader and templates stay pure like portal/rules: no Flask application or
request, no database, no clock (the same checker as tests/rules/test_purity.py)."""

from pathlib import Path

import pytest

from tests.rules.test_purity import violations

STATEMENTS_DIR = Path(__file__).resolve().parents[2] / "portal" / "statements"
PURE = ("__init__", "reader", "template")


@pytest.mark.parametrize("stem", PURE)
def test_statement_module_is_pure(stem):
    path = STATEMENTS_DIR / f"{stem}.py"
    assert violations(path.read_text(encoding="utf-8"), "portal.statements") == []


def test_the_checker_would_see_a_database_import_here():
    assert violations("from ..extensions import db", "portal.statements") != []
