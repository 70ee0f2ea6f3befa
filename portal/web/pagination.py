"""Paginated lists: page number from the query string, page size from configuration.

Two shapes (docs/performance.md):

- :func:`paginate`: one statement for the page (``LIMIT/OFFSET``) and one for the total;
- :func:`paginate_ids`: *sort narrow, load the page* — the page's ids are read first by a
  statement that selects the id column only (the joins it needs for its filters and its
  order are not carried through the sort), then the page's objects are loaded by id with
  whatever they show, in the order of the ids.

Neither counts when it does not have to: a page that is not full is the last one, so the
total is its offset plus its length (a list that fits in one page costs no count).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select

from portal.extensions import db
from portal.web.params import int_arg

MAX_PAGE = 1_000_000  # beyond any real list; keeps the OFFSET inside a 64-bit integer


def page_number() -> int:
    """The requested page (``?page=``), 1 for anything missing or malformed; a page past
    ``MAX_PAGE`` is read as the last possible one."""
    requested = int_arg("page", minimum=0, maximum=None)
    return min(MAX_PAGE, max(1, requested or 1))


def _known_total(pagination: Pagination) -> int | None:
    """The total when the page tells it (a page that is not full is the last one)."""
    length = len(pagination.items)
    if 0 < length < pagination.per_page or (length == 0 and pagination.page == 1):
        return (pagination.page - 1) * pagination.per_page + length
    return None


class _Page(SelectPagination):
    def _query_count(self) -> int:
        known = _known_total(self)
        return known if known is not None else super()._query_count()


class _IdPage(Pagination):
    """The page's ids from ``ids`` (a one-column, ordered statement), the objects from
    ``load(ids)``, the total from ``counted`` (a statement without order) when needed, or
    read with the ids (``count(*) OVER ()``) when ``total_with_ids``."""

    _total_read: int | None = None

    def _query_items(self) -> list[Any]:
        ids_stmt: Select = self._query_args["ids"]
        if self._query_args["total_with_ids"]:
            ids_stmt = ids_stmt.add_columns(sa.func.count().over())
        page = ids_stmt.limit(self.per_page).offset(self._query_offset)
        rows = db.session.execute(page).all()
        if not rows:
            return []
        ids = [row[0] for row in rows]
        if self._query_args["total_with_ids"]:
            self._total_read = rows[0][1]
        loaded = {obj.id: obj for obj in db.session.scalars(self._query_args["load"](ids)).unique()}
        return [loaded[i] for i in ids if i in loaded]

    def _query_count(self) -> int:
        known = _known_total(self) if self._total_read is None else self._total_read
        if known is not None:
            return known
        sub = self._query_args["counted"].order_by(None).subquery()
        return db.session.scalar(sa.select(sa.func.count()).select_from(sub)) or 0


def paginate(stmt: Select) -> Pagination:
    """One page of ``stmt`` (the page query, and a count query when the page is full)."""
    return _Page(
        select=stmt,
        session=db.session(),
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        max_per_page=None,
        error_out=False,
    )


def paginate_ids(
    ids: Select,
    load: Callable[[Sequence[int]], Select],
    count: Select | None = None,
    *,
    total_with_ids: bool = False,
) -> Pagination:
    """One page, sorted narrow: ``ids`` selects the ordered id column (with the joins its
    filters and order need), ``load(ids)`` the objects to show, ``count`` what the total
    counts (by default ``ids`` itself; a statement without the joins the order alone
    needs is cheaper). ``total_with_ids`` reads the total with the page's ids
    (``count(*) OVER ()``), in the same pass: cheaper than a second statement when the
    filters are the expensive part (a text search), dearer when the sort is (the window
    turns the database's top-25 sort into a full one)."""
    return _IdPage(
        ids=ids,
        load=load,
        counted=ids if count is None else count,
        total_with_ids=total_with_ids,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        max_per_page=None,
        error_out=False,
    )
