"""Integers typed by users or carried in URLs and forms: one parser for the whole portal.

``str.isdigit()`` is true for « ² », « ¹ » or « ٣ » while ``int()`` refuses some of them
(a 500) and accepts others (Arabic-Indic digits): only ASCII digits are read here, with a
bounded length and range, and anything else gives ``None`` (the caller ignores the filter
or answers its own refusal).
"""

from __future__ import annotations

import re

from flask import Flask, abort, request

MAX_ID = 2_147_483_647  # the largest INTEGER primary key (PostgreSQL ``integer``)
_ASCII_INTEGER = re.compile(r"[0-9]{1,30}")  # far below int()'s own digit limit


def parse_int(text: str | None, *, minimum: int = 0, maximum: int | None = MAX_ID) -> int | None:
    """``text`` as an integer made of ASCII digits only, within ``minimum``–``maximum``
    (``maximum=None``: no upper bound); ``None`` for anything else (empty, signs, spaces,
    exponent, Unicode digits, out of range)."""
    if text is None or not _ASCII_INTEGER.fullmatch(text):
        return None
    value = int(text)
    if value < minimum or (maximum is not None and value > maximum):
        return None
    return value


def int_arg(name: str, *, minimum: int = 1, maximum: int | None = MAX_ID) -> int | None:
    """An integer from the query string (an id by default), ``None`` when absent or bad."""
    return parse_int(request.args.get(name), minimum=minimum, maximum=maximum)


def year_arg(name: str = "annee") -> int | None:
    """A plausible year from the query string (2000–2100), ``None`` for anything else."""
    return int_arg(name, minimum=2000, maximum=2100)


NUL_IN_URL = (
    "L'adresse demandée contient un caractère invisible non autorisé (caractère nul). "
    "Corrigez-la, ou revenez à la page précédente."
)


def _refuse_nul() -> None:
    """A NUL byte in the path or the query string answers 400 before any view reads it:
    PostgreSQL refuses it in any text, and no real link carries one (issue 8, finding 3).
    Form fields are checked by ``portal.web.forms.Form``, on the field."""
    if "\x00" in request.path or any(
        "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)
    ):
        abort(400, description=NUL_IN_URL)


def register_params(app: Flask) -> None:
    app.before_request(_refuse_nul)
