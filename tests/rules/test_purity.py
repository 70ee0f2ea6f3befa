"""The rules package stays pure: no web framework, no database, no clock (docs/architecture.md §6).

The checker reads the real files of portal/rules with `ast`; the synthetic cases below prove
that it does catch what it forbids.
"""

import ast
from pathlib import Path

import pytest

RULES_DIR = Path(__file__).resolve().parents[2] / "portal" / "rules"
EXPECTED_MODULES = {
    "tariffs",
    "hours",
    "deadlines",
    "eligibility",
    "workflow",
    "reporting",
    "statements",
}

FORBIDDEN_TOP_LEVEL = {"flask", "sqlalchemy"}  # and every flask_* extension
FORBIDDEN_PORTAL = ("portal.models", "portal.extensions", "portal.access")
CLOCK_CALLS = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("time", "time"),
}


def _forbidden_module(name: str) -> bool:
    top = name.split(".")[0]
    if top in FORBIDDEN_TOP_LEVEL or top.startswith("flask_"):
        return True
    return any(name == module or name.startswith(module + ".") for module in FORBIDDEN_PORTAL)


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    base = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _dotted(node: ast.expr) -> tuple[str, ...]:
    if isinstance(node, ast.Name):
        return (node.id,)
    if isinstance(node, ast.Attribute):
        return (*_dotted(node.value), node.attr)
    return ()


def violations(source: str, package: str = "portal.rules") -> list[str]:
    """Forbidden imports and clock calls found in `source`, as readable messages."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if _forbidden_module(a.name)]
        elif isinstance(node, ast.ImportFrom):
            module = _absolute(node, package)
            imported = [f"{module}.{alias.name}" for alias in node.names]
            if _forbidden_module(module) or any(map(_forbidden_module, imported)):
                found.append(f"from {module} import …")
            if "time.time" in imported:
                found.append("from time import time")
        elif isinstance(node, ast.Call):
            dotted = _dotted(node.func)
            if len(dotted) >= 2 and dotted[-2:] in CLOCK_CALLS:
                found.append(f"call {'.'.join(dotted)}()")
    return found


def rule_modules() -> list[Path]:
    return sorted(RULES_DIR.glob("*.py"))


def test_the_checker_reads_the_real_rules_package():
    names = {path.stem for path in rule_modules()}
    assert names >= EXPECTED_MODULES | {"__init__"}
    for path in rule_modules():
        if path.stem != "__init__":
            assert "def " in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("path", rule_modules(), ids=lambda path: path.name)
def test_rules_module_is_pure(path):
    assert violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "import flask",
        "from flask import g",
        "import flask_login",
        "from flask_wtf import FlaskForm",
        "import sqlalchemy.orm",
        "from sqlalchemy import select",
        "from portal.models import Lot",
        "from portal.models.markets import Lot",
        "import portal.extensions",
        "from portal import access",
        "from portal import models",
        "from .. import models",
        "from ..extensions import db",
        "from datetime import date\nx = date.today()",
        "import datetime\nx = datetime.datetime.now()",
        "from datetime import datetime\nx = datetime.utcnow()",
        "from datetime import datetime\nx = datetime.today()",
        "import time\nx = time.time()",
        "from time import time",
    ],
)
def test_the_checker_catches_forbidden_code(source):
    assert violations(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import date, timedelta\nx = date(2024, 1, 1) + timedelta(days=1)",
        "import holidays",
        "from portal.rules.deadlines import add_months",
        "from . import hours",
        "from decimal import Decimal",
        "def today(on):\n    return on",
    ],
)
def test_the_checker_allows_pure_code(source):
    assert violations(source) == []
