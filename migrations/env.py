"""Alembic environment for Flask-Migrate.

Uses ``db.engine`` (``db.get_engine()`` is deprecated and fails under warnings-as-errors)
and batch mode on SQLite so that later revisions can alter tables.
"""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from portal.models.base import include_in_schema

config = context.config
if config.config_file_name and not current_app.testing:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
engine = db.engine
config.set_main_option(
    "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
)
target_metadata = db.metadata


def _render_item(type_, obj, autogen_context):
    """Render the portal's UTCDateTime as a plain DateTime: revisions never import portal."""
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime()"
    return False


def _options(connection=None) -> dict:
    return {
        "target_metadata": target_metadata,
        "render_item": _render_item,
        "compare_type": True,
        "include_object": include_in_schema(engine.dialect.name),
        "render_as_batch": engine.dialect.name == "sqlite",
        **current_app.extensions["migrate"].configure_args,
    }


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **_options()
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    with engine.connect() as connection:
        context.configure(
            connection=connection,
            process_revision_directives=process_revision_directives,
            **_options(),
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
