"""Paginated lists: page number from the query string, page size from configuration."""

from __future__ import annotations

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from portal.extensions import db

MAX_PAGE = 1_000_000  # beyond any real list; keeps the OFFSET inside a 64-bit integer


def page_number() -> int:
    """The requested page (``?page=``), 1 for anything missing or malformed."""
    try:
        return min(MAX_PAGE, max(1, int(request.args.get("page", "1"))))
    except ValueError:
        return 1


def paginate(stmt: Select) -> Pagination:
    """One page of ``stmt`` (a count query + a page query, whatever the table size)."""
    return db.paginate(
        stmt, page=page_number(), per_page=current_app.config["PAGE_SIZE"], error_out=False
    )


def year_arg(name: str = "annee") -> int | None:
    """A plausible year from the query string (2000–2100), None for anything else."""
    value = request.args.get(name, "")
    if value.isdigit() and len(value) == 4 and 2000 <= int(value) <= 2100:
        return int(value)
    return None
