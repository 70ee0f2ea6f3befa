"""Playwright journeys in Debian's chromium against a live demo instance.

Without ``chromium`` on the PATH the browser tests are skipped with the reason, except
under ``CI=true`` where a missing chromium is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from portal import create_app
from portal.demo import DEMO_PASSWORD
from tests.conftest import _config_dict

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    if CHROMIUM:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not on the PATH (apt-get install -y chromium): required under CI")
    pytest.skip("chromium is not on the PATH: browser tests need Debian's chromium package")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """A demo instance (migrated, seeded) served on a free port for the whole session."""
    from flask_migrate import upgrade

    from portal.demo import seed_demo

    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            **_config_dict(),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'portal.sqlite'}",
            "MAIL_OUTBOX": str(folder / "outbox"),
            "LOGIN_LIMIT_IP": "10000 per minute",
            "LOGIN_LIMIT_ACCOUNT": "10000 per minute",
            "LOGIN_LIMIT_ACCOUNT_ADDRESS": "10000 per minute",
            "TESTING": False,
        }
    )
    with app.app_context():
        upgrade()
        seed_demo()
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    address = f"http://127.0.0.1:{server.server_port}"
    live_app.config["PUBLIC_URL"] = address  # the links put in e-mails and on screen
    yield address
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


def login(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/connexion")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r".*/$"))


def logout(page) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r".*/connexion$"))
