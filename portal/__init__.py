"""Passerelle: the portal of the social insertion clauses of the Vallée du Garon.

``create_app`` reads as a table of contents: configuration, extensions, the permission
gate, then one blueprint per resource.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask


def create_app(config: type | dict | None = None) -> Flask:
    app = Flask(
        "portal",
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    _configure(app, config)
    _register_extensions(app)
    _register_core(app)
    _register_blueprints(app)
    return app


def _configure(app: Flask, config: type | dict | None) -> None:
    from portal.config import Config, ProductionConfig, read_durations

    overrides = config if isinstance(config, dict) else {}
    base = config if isinstance(config, type) else None
    if base is None:
        base = ProductionConfig if os.environ.get("PORTAL_ENV") == "production" else Config
    app.config.from_object(base)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("PORTAL")
    app.config.update(overrides)
    read_durations(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        if app.config["PRODUCTION"]:
            raise RuntimeError("PORTAL_SQLALCHEMY_DATABASE_URI est obligatoire en production.")
        db_path = Path(app.instance_path) / "portal.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    if not app.config.get("SECRET_KEY"):
        if app.config["PRODUCTION"]:
            raise RuntimeError("PORTAL_SECRET_KEY est obligatoire en production.")
        app.config["SECRET_KEY"] = _embedded_secret_key(Path(app.instance_path))
    _configure_public_address(app)
    if app.config.get("STRICT_TEMPLATES"):
        from jinja2 import StrictUndefined

        app.jinja_env.undefined = StrictUndefined
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _configure_public_address(app: Flask) -> None:
    """Check ``PUBLIC_URL`` (required in production, https there) and derive
    ``TRUSTED_HOSTS`` from it unless it is given (issue 8, finding 2)."""
    production = app.config["PRODUCTION"]
    public_url = (app.config.get("PUBLIC_URL") or "").strip().rstrip("/")
    if not public_url and production:
        raise RuntimeError(
            "PORTAL_PUBLIC_URL est obligatoire en production "
            "(l'adresse du portail, par exemple https://passerelle.example.org)."
        )
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise RuntimeError(
            f"PUBLIC_URL « {public_url} » n'est pas une adresse http(s) complète "
            "(par exemple https://passerelle.example.org)."
        )
    if production and parts.scheme != "https":
        raise RuntimeError("PORTAL_PUBLIC_URL doit commencer par https:// en production.")
    app.config["PUBLIC_URL"] = public_url
    hosts = app.config.get("TRUSTED_HOSTS")
    if hosts is None:
        hosts = [parts.hostname] + ([] if production else ["localhost", "127.0.0.1"])
    elif isinstance(hosts, str):  # PORTAL_TRUSTED_HOSTS="a.example, b.example"
        hosts = hosts.split(",")
    app.config["TRUSTED_HOSTS"] = list(dict.fromkeys(h.strip() for h in hosts if h.strip()))


def _embedded_secret_key(instance: Path) -> str:
    """Generated once into ``instance/secret_key`` (embedded default only)."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _register_extensions(app: Flask) -> None:
    from portal import database
    from portal.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    database.register_database(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    login_manager.init_app(app)
    login_manager.session_protection = None  # the session version does this job
    csrf.init_app(app)
    limiter.init_app(app)
    from portal.jobs import queue
    from portal.statements import progress_store

    queue.configure(app)
    progress_store.register()  # each lot's stored progress follows the hour lines


def _register_core(app: Flask) -> None:
    from portal import cli, demo
    from portal.access import register_access
    from portal.formatting import register_formatting
    from portal.web.errors import register_errors
    from portal.web.headers import register_headers
    from portal.web.htmx import register_htmx
    from portal.web.params import register_params

    register_access(app)
    register_params(app)
    register_htmx(app)
    register_headers(app)
    register_errors(app)
    register_formatting(app)
    demo.register_demo(app)
    cli.register_cli(app)


def _register_blueprints(app: Flask) -> None:
    from portal.access import register_predicates
    from portal.admin import bp as admin_bp
    from portal.auth import bp as auth_bp
    from portal.census import bp as census_bp
    from portal.dashboard import bp as dashboard_bp
    from portal.followup import bp as followup_bp
    from portal.invoices import bp as invoices_bp
    from portal.jobs import bp as jobs_bp
    from portal.main import bp as main_bp
    from portal.markets import bp as markets_bp
    from portal.observatory import bp as observatory_bp
    from portal.organisations import bp as organisations_bp
    from portal.people import bp as people_bp
    from portal.placements import bp as placements_bp
    from portal.privacy import bp as privacy_bp
    from portal.quotes import bp as quotes_bp
    from portal.recruitment import bp as recruitment_bp
    from portal.reference import bp as reference_bp
    from portal.reports import bp as reports_bp
    from portal.statements.views import bp as statements_bp
    from portal.web.confirm import register_confirmations

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(organisations_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(census_bp)
    app.register_blueprint(markets_bp)
    app.register_blueprint(quotes_bp)
    app.register_blueprint(invoices_bp)
    app.register_blueprint(reference_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(people_bp)
    app.register_blueprint(placements_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(statements_bp)
    app.register_blueprint(recruitment_bp)
    app.register_blueprint(followup_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(observatory_bp)
    register_confirmations(app)  # the blueprints declared theirs on import
    register_predicates(app)  # likewise their scope rules and predicates
