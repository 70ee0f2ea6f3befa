"""Paginated lists: page number from the query string, page size from configuration."""

from __future__ import annotations

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from portal.extensions import db
from portal.web.params import int_arg

MAX_PAGE = 1_000_000  # beyond any real list; keeps the OFFSET inside a 64-bit integer


def page_number() -> int:
    """The requested page (``?page=``), 1 for anything missing or malformed; a page past
    ``MAX_PAGE`` is read as the last possible one."""
    requested = int_arg("page", minimum=0, maximum=None)
    return min(MAX_PAGE, max(1, requested or 1))


def paginate(stmt: Select) -> Pagination:
    """One page of ``stmt`` (a count query + a page query, whatever the table size)."""
    return db.paginate(
        stmt, page=page_number(), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )
