"""Services take the user explicitly, build no URL from the request and send no mail inline
(issue 14; docs/permissions.md, « Services »).

The checker reads the real service modules with ``ast`` (every ``services.py``,
``split.py``, ``pricing.py`` and ``chorus.py`` under ``portal/``); the synthetic cases below
prove that it catches what it forbids. A service may read the configuration
(``current_app.config``) and build links from ``PUBLIC_URL`` (``portal.links``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[1] / "portal"
SERVICE_NAMES = ("services.py", "split.py", "pricing.py", "chorus.py")
EXPECTED = {
    "auth/services.py",
    "invoices/services.py",
    "markets/services.py",
    "markets/split.py",
    "markets/pricing.py",
    "quotes/services.py",
    "quotes/chorus.py",
}

# What a request carries: the user (g, current_user), the request and its session, and the
# URLs built from it. A service receives the user and the values it needs as parameters.
REQUEST_NAMES = {"g", "request", "session", "url_for", "current_user"}
REQUEST_MODULES = {"flask_login"}


def _import_violations(node: ast.AST) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        module = node.module or ""
        if module.split(".")[0] in REQUEST_MODULES:
            return [f"from {module} import …"]
        if module == "flask":
            return [f"from flask import {a.name}" for a in node.names if a.name in REQUEST_NAMES]
    if isinstance(node, ast.Import):
        return [f"import {a.name}" for a in node.names if a.name in REQUEST_MODULES]
    return []


def _call_violations(node: ast.Call) -> list[str]:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name == "send_mail":
        return ["send_mail() inline: queue the message (portal.documents.mail.queue)"]
    owner = func.value if isinstance(func, ast.Attribute) else None
    is_audit = isinstance(owner, ast.Name) and owner.id == "audit" and name == "record"
    if is_audit and not any(keyword.arg == "actor" for keyword in node.keywords):
        return ["audit.record() without actor=: pass the user explicitly"]
    return []


def violations(source: str) -> list[str]:
    """Request state read, inline mail and audit lines without their actor, as messages."""
    found = []
    for node in ast.walk(ast.parse(source)):
        found += _import_violations(node)
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in {("flask", n) for n in REQUEST_NAMES}
        ):
            found.append(f"flask.{node.attr}")
        if isinstance(node, ast.Call):
            found += _call_violations(node)
    return found


def service_modules() -> list[Path]:
    return sorted(p for name in SERVICE_NAMES for p in PORTAL.rglob(name))


def test_the_checker_reads_the_real_service_modules():
    found = {p.relative_to(PORTAL).as_posix() for p in service_modules()}
    assert found >= EXPECTED


@pytest.mark.parametrize("path", service_modules(), ids=lambda p: p.relative_to(PORTAL).as_posix())
def test_service_module_takes_the_user_explicitly(path):
    assert violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        "from flask import g",
        "from flask import current_app, request",
        "from flask import session",
        "from flask import url_for",
        "import flask\nx = flask.g.user",
        "from flask_login import current_user",
        "import flask_login",
        "from portal.documents.mail import send_mail\nsend_mail('a', 'b', 'c')",
        "from portal.documents import mail\nmail.send_mail('a', 'b', 'c')",
        "from portal import audit\naudit.record('quote.created', quote)",
    ],
)
def test_the_checker_catches_request_state_and_inline_mail(source):
    assert violations(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "from flask import current_app\nx = current_app.config['PUBLIC_URL']",
        "from portal.links import external_url\nx = external_url('quotes.show', quote_id=1)",
        "from portal.documents import mail\nmail.queue('a', 'b', 'c')",
        "from portal import audit\naudit.record('quote.created', quote, actor=user)",
    ],
)
def test_the_checker_allows_explicit_services(source):
    assert violations(source) == []
