"""Configuration classes.

Defaults come from :class:`Config` (the embedded SQLite instance), then
``instance/config.py`` if present, then environment variables prefixed ``PORTAL_``.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import timedelta

DURATIONS = (
    "SESSION_IDLE_TIMEOUT",
    "SESSION_ABSOLUTE_LIFETIME",
    "ACCOUNT_LINK_LIFETIME",
    "JOBS_KEEP",
)
"""Settings the code reads as ``timedelta`` (``.total_seconds()``, ``.days``)."""


def read_durations(config: MutableMapping) -> None:
    """A duration given as a number of seconds (``PORTAL_SESSION_IDLE_TIMEOUT=900``: the
    environment has no ``timedelta``) becomes a ``timedelta``, as the code reads it."""
    for key in DURATIONS:
        value = config.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            config[key] = timedelta(seconds=value)


class Config:
    """Embedded default: SQLite in ``instance/``, secret key generated on first start."""

    SQLALCHEMY_DATABASE_URI: str | None = None  # computed from instance_path when unset
    SECRET_KEY: str | None = None
    # The address people reach the portal at: the only source of the links put in e-mails
    # and printed by the CLI (never the request's Host header). ``make run`` serves here.
    PUBLIC_URL: str | None = "http://127.0.0.1:8000"
    # Host names the portal answers to (Flask 3.1); any other Host header answers 400.
    # None: PUBLIC_URL's host, plus localhost and 127.0.0.1 outside production.
    TRUSTED_HOSTS: list[str] | None = None
    # Where invitation links and (until SMTP exists) every e-mail are written.
    MAIL_OUTBOX: str | None = None  # default: instance/outbox
    MAIL_SENDER = "Passerelle <ne-pas-repondre@passerelle.invalid>"
    # Session: HttpOnly + SameSite=Lax always; Secure in production.
    SESSION_COOKIE_NAME = "passerelle_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=10)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=10)
    # The cookie is sent again only when the session changes (the gate refreshes its
    # activity time once a minute), not on every response: signing it costs every page.
    SESSION_REFRESH_EACH_REQUEST = False
    # Invitation and reset links.
    ACCOUNT_LINK_LIFETIME = timedelta(days=7)
    PASSWORD_MIN_LENGTH = 12
    # zxcvbn score a password needs (0–4; 3 ≈ 10⁸ guesses or more): default, configurable.
    PASSWORD_MIN_STRENGTH = 3
    # argon2id parameters (argon2-cffi defaults: RFC 9106 low-memory profile).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4
    # Throttling (flask-limiter syntax); only failed attempts count. Failed logins per
    # account from one address, per account from everywhere (gentler: a distributed
    # attack), per address (a sweep over many accounts); wrong current passwords on
    # « Mon compte » per user.
    LOGIN_LIMIT_ACCOUNT_ADDRESS = "5 per 15 minutes"
    LOGIN_LIMIT_ACCOUNT = "30 per hour"
    LOGIN_LIMIT_IP = "30 per 15 minutes"
    PASSWORD_CHECK_LIMIT = "5 per 15 minutes"  # noqa: S105 (a rate, not a password)
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    WTF_I18N_ENABLED = False  # WTForms messages come from its French catalogue (portal.web.forms)
    MAX_CONTENT_LENGTH = 10 * 1024 * 1024
    PAGE_SIZE = 25
    # Files people send (portal.documents.rows): rows read at most, and what an XLSX archive
    # may hold once inflated (a « zip bomb » is refused before it is opened).
    IMPORT_MAX_ROWS = 20_000
    IMPORT_MAX_PARTS = 500
    IMPORT_MAX_UNCOMPRESSED = 50 * 1024 * 1024
    # Proofs of eligibility criteria (portal.people.proofs): the folder, outside static/
    # (default: instance/proofs), and the largest file accepted.
    PEOPLE_PROOF_FOLDER: str | None = None
    PEOPLE_PROOF_MAX_BYTES = 5 * 1024 * 1024
    IMPORT_MAX_BYTES = 5 * 1024 * 1024  # a file sent, before it is read
    # Who runs the instance, for the legal notice, the accessibility statement and the
    # personal-data page (public pages). Unset values read « non renseigné ». The publisher's
    # name, address and SIRET are the payee block an AMOI admin enters (/admin/facturation).
    LEGAL_PUBLICATION_DIRECTOR: str | None = None  # directeur de la publication
    LEGAL_HOST: str | None = None  # hébergeur: name, address, telephone (LCEN art. 6)
    LEGAL_CONTACT: str | None = None  # e-mail or address for accessibility and data requests
    LEGAL_DPO: str | None = None  # délégué à la protection des données, if one is designated
    # Background jobs (exports, documents; portal.jobs): the queue (unset: huey's SQLite
    # storage in instance/jobs-queue.sqlite; sqlite:///path; redis://host:6379/0;
    # « immediate » runs each job inside its request, tests only), where the files are
    # kept (outside static/; default instance/exports), for how long, how many worker
    # threads ``flask jobs-worker`` runs and at which niceness (below the web server's).
    JOBS_URL: str | None = None
    JOBS_FILES_DIR: str | None = None
    JOBS_KEEP = timedelta(hours=24)
    JOBS_WORKERS = 1
    JOBS_WORKER_NICE = 10
    # Personal data (portal.rules.retention): a person's identity is kept this many years
    # after their last placement ends (or their last candidacy), then anonymised by
    # ``flask anonymise-expired``. Default, configurable (docs/gdpr-record.md).
    PEOPLE_RETENTION_YEARS = 3
    # Monthly hour statements (docs/domain.md §7): due on this day of the following month
    # (reminders, the AMOI's late list); a lot is « en retard » when its projection falls
    # short of the planned hours by more than this fraction (portal.rules.progress).
    STATEMENT_DUE_DAY = 10
    PROGRESS_BEHIND_TOLERANCE = "0.05"
    # Pre-recruitment (portal.recruitment): a candidate's CV and identity are deleted this
    # many months after the offer closes (filled or cancelled), by ``flask
    # anonymise-expired``. Default, configurable (issue 13; docs/domain.md §10).
    RECRUITMENT_CV_RETENTION_MONTHS = 6
    # Follow-up of the titulaires (issue 11; docs/domain.md §8)
    FOLLOWUP_SMIC_HOURLY = (
        "12.02"  # gross hourly SMIC (1 January 2026) prefilled in a « n × SMIC » penalty
    )
    FOLLOWUP_LETTERHEAD = "Sud-Ouest Emploi"  # the AMOI's name on the reminder letters
    # A demonstration instance shows a banner on every page (set by seed-demo).
    DEMO_INSTANCE: bool | None = None
    TESTING = False
    PRODUCTION = False


class TestConfig(Config):
    """The test suite: fast hashes, strict templates, CSRF still on."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    STRICT_TEMPLATES = True
    PAGE_SIZE = 5
    PUBLIC_URL = "http://localhost"  # the test client's host
    JOBS_URL = "immediate"  # jobs run inside the request (tests/jobs also use real SQLite)


class ProductionConfig(Config):
    """Behind gunicorn and HTTPS: secret key, database and public address from the
    environment."""

    PRODUCTION = True
    PUBLIC_URL = None  # required: PORTAL_PUBLIC_URL=https://…
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
