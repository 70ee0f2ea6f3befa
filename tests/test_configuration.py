"""Every setting the code reads is in the README's configuration tables, with the default
``portal/config.py`` gives it (issue 14: « document every setting the code reads »).

The code is read, not run: a setting is a key of ``app.config`` / ``current_app.config``
(or a name bound to one) read with ``[…]``, ``.get(…)`` or ``.setdefault(…)``, an
attribute of the configuration classes, or an environment variable read with
``os.environ`` / ``os.getenv`` (by the portal, ``gunicorn.conf.py`` or the test suite).
"""

from __future__ import annotations

import ast
import re
from datetime import timedelta
from pathlib import Path

from portal import config as portal_config
from portal import create_app
from portal.extensions import db

ROOT = Path(__file__).resolve().parents[1]
APP_FILES = [
    *sorted((ROOT / "portal").rglob("*.py")),
    ROOT / "wsgi.py",
    ROOT / "gunicorn.conf.py",
    ROOT / "migrations" / "env.py",
]
TEST_FILES = sorted((ROOT / "tests").rglob("*.py"))
CLASSES = (portal_config.Config, portal_config.ProductionConfig, portal_config.TestConfig)
NAME = re.compile(r"`([A-Z][A-Z0-9_]+)`")


# --- what the code reads ------------------------------------------------------------------


def _config_aliases(tree: ast.AST) -> set[str]:
    """Names bound to a configuration mapping (``cfg = current_app.config``)."""
    return {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "config"
        for target in node.targets
        if isinstance(target, ast.Name)
    }


def _is_config(node: ast.AST, aliases: set[str]) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "config") or (
        isinstance(node, ast.Name) and node.id in aliases
    )


def _is_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _argument_values(tree: ast.AST, parents: dict, node: ast.AST, name: str) -> list | None:
    """The literal values given to parameter ``name`` of the function around ``node`` by the
    calls of that function in the same module (``_login_limit("LOGIN_LIMIT_IP", …)``);
    None when the key cannot be followed."""
    function = parents.get(node)
    while function is not None and not isinstance(function, ast.FunctionDef):
        function = parents.get(function)
    if function is None:
        return None
    params = [a.arg for a in function.args.args]
    if name not in params:
        return None
    position = params.index(name)
    values = []
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == function.name):
            continue
        given = [k.value for k in call.keywords if k.arg == name]
        if position < len(call.args):
            given.append(call.args[position])
        if not given or not all(isinstance(v, ast.Constant) for v in given):
            return None
        values += [v.value for v in given]
    return values or None


def _key(tree, parents, node, key: ast.AST, where: str, unresolved: list[str]) -> list[str]:
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return [key.value]
    if isinstance(key, ast.Name):
        values = _argument_values(tree, parents, node, key.id)
        if values is not None:
            return values
    unresolved.append(f"{where}:{node.lineno}")
    return []


def read_by(files: list[Path]) -> tuple[set[str], set[str], list[str]]:
    """(configuration keys, environment variables, reads whose key cannot be followed)."""
    keys: set[str] = set()
    environment: set[str] = set()
    unresolved: list[str] = []
    for path in files:
        tree = ast.parse(path.read_text(), filename=str(path))
        aliases, parents = _config_aliases(tree), _parents(tree)
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if isinstance(node, ast.Subscript):
                if _is_config(node.value, aliases):
                    keys.update(_key(tree, parents, node, node.slice, where, unresolved))
                elif _is_environ(node.value):
                    environment.update(_key(tree, parents, node, node.slice, where, unresolved))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
                owner, method = node.func.value, node.func.attr
                if method in {"get", "setdefault", "pop"} and _is_config(owner, aliases):
                    keys.update(_key(tree, parents, node, node.args[0], where, unresolved))
                elif (method == "get" and _is_environ(owner)) or (
                    method == "getenv" and getattr(owner, "id", None) == "os"
                ):
                    environment.update(_key(tree, parents, node, node.args[0], where, unresolved))
    return keys, environment, unresolved


def class_settings() -> set[str]:
    return {name for cls in CLASSES for name in dir(cls) if name.isupper()}


def read_settings() -> set[str]:
    keys, environment, _ = read_by(APP_FILES)
    _, test_environment, _ = read_by(TEST_FILES)
    return keys | environment | test_environment | class_settings()


# --- what the README says -----------------------------------------------------------------


def documented() -> dict[str, str]:
    """Setting name → its « Default » cell, from the tables of the README's Configuration
    section (a row may name several settings)."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        for name in NAME.findall(cells[0]):
            assert name not in rows, f"{name} has two rows in the README"
            rows[name] = cells[1]
    return rows


def _human(value: timedelta) -> str:
    for unit, seconds in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if value.total_seconds() % seconds == 0:
            count = int(value.total_seconds() // seconds)
            return f"{count} {unit if count != 1 else unit[:-1]}"
    return f"{int(value.total_seconds())} seconds"


# --- the tests ----------------------------------------------------------------------------


def test_the_parser_finds_the_known_reads():
    """The parser sees each way the code reads a setting (guards the test itself)."""
    keys, environment, _ = read_by(APP_FILES)
    assert {"PAGE_SIZE", "LEGAL_DPO", "ARGON2_MEMORY_COST", "MAIL_SMTP_PORT"} <= keys
    assert {"LOGIN_LIMIT_IP", "LOGIN_LIMIT_ACCOUNT_ADDRESS"} <= keys  # through a parameter
    assert {"PORTAL_ENV", "PORTAL_BIND"} <= environment
    assert {"PORTAL_TEST_BACKEND", "CI"} <= read_by(TEST_FILES)[1]


def test_every_setting_the_code_reads_is_in_the_readme():
    missing = sorted(read_settings() - set(documented()))
    assert missing == [], f"add these settings to the README's configuration tables: {missing}"


def test_every_read_names_its_setting():
    """A key the parser cannot follow could be any setting: write it as a literal."""
    _, _, app_unresolved = read_by(APP_FILES)
    _, _, test_unresolved = read_by(TEST_FILES)
    assert app_unresolved + test_unresolved == []


def test_the_readme_documents_no_setting_the_code_ignores():
    stale = sorted(set(documented()) - read_settings())
    assert stale == [], f"the README documents settings nothing reads: {stale}"


def test_readme_defaults_are_those_of_the_configuration_class():
    rows = documented()
    wrong = []
    for name in dir(portal_config.Config):
        if not name.isupper():
            continue
        value = getattr(portal_config.Config, name)
        if value is None:
            continue  # computed at start-up: the README says how
        expected = _human(value) if isinstance(value, timedelta) else f"`{value}`"
        if not rows[name].startswith(expected):
            wrong.append(f"{name}: README « {rows[name]} », portal/config.py {expected}")
    assert wrong == []


def test_durations_can_come_from_the_environment(database_uri, monkeypatch):
    """The environment has no timedelta: a number of seconds is read as one, and the pages
    that print the durations work (they crashed on an int)."""
    monkeypatch.setenv("PORTAL_SQLALCHEMY_DATABASE_URI", database_uri)
    monkeypatch.setenv("PORTAL_SESSION_IDLE_TIMEOUT", "900")
    monkeypatch.setenv("PORTAL_SESSION_ABSOLUTE_LIFETIME", "14400")
    monkeypatch.setenv("PORTAL_ACCOUNT_LINK_LIFETIME", "172800")
    app = create_app(portal_config.TestConfig)
    assert app.config["SESSION_IDLE_TIMEOUT"] == timedelta(minutes=15)
    with app.app_context():
        page = app.test_client().get("/donnees-personnelles")
        text = page.get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()
    assert page.status_code == 200
    assert "15 minutes sans activité, 4 heures au plus." in text
    assert "2 jours, un seul usage." in text
