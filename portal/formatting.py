"""French presentation (docs/architecture.md §8): one set of Jinja filters.

Amounts ``1 250,00 €``, dates ``25/11/2026``, months ``novembre 2026``, hours ``1 820 h``.
The output is babel's for ``fr_FR`` (narrow no-break space between thousands, decimal
comma, no-break space before ``€``, half-even rounding); numbers and dates are written
directly rather than through babel on every call, which cost 10 to 25 µs a value on every
list page (issue 15); ``tests/test_formatting.py`` compares both on a table of values and
on random ones.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from flask import Flask

LOCALE = "fr_FR"
PARIS = ZoneInfo("Europe/Paris")


GROUP = "\u202f"  # narrow no-break space between thousands (CLDR fr)
NBSP = "\u00a0"
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_PLACES = {0: Decimal(1), 2: Decimal("0.01")}


def french_number(value: Decimal | int | float, places: int, *, keep_zeros: bool) -> str:
    """``value`` rounded half-even to ``places`` decimals, thousands grouped, decimal comma;
    trailing zeros dropped unless ``keep_zeros`` (babel's ``#,##0.##`` / currency)."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        return format_decimal(number, locale=LOCALE)
    rounded = number.quantize(_PLACES.get(places) or Decimal(1).scaleb(-places), ROUND_HALF_EVEN)
    whole, _, fraction = format(abs(rounded), "f").partition(".")
    if not keep_zeros:
        fraction = fraction.rstrip("0")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    text = GROUP.join([whole, *groups]) + (f",{fraction}" if fraction else "")
    return f"-{text}" if rounded.is_signed() else text


def money(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return f"{french_number(value, 2, keep_zeros=True)}{NBSP}€"


def hours(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return f"{french_number(value, 2, keep_zeros=False)}{NBSP}h"


def number(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return french_number(value, 2, keep_zeros=False)


def day(value: date | None) -> str:
    if value is None:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def month(value: date | None) -> str:
    if value is None:
        return ""
    return f"{MONTHS[value.month - 1]} {value.year}"


def moment(value: datetime | None) -> str:
    """An instant shown in Paris time: ``25/11/2026 à 14:05``."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # naive instants are UTC, as babel reads them
    value = value.astimezone(PARIS)
    return f"{day(value)} à {value.hour:02d}:{value.minute:02d}"


FILTERS = {
    "money": money,
    "hours": hours,
    "number": number,
    "day": day,
    "month": month,
    "moment": moment,
}


def register_formatting(app: Flask) -> None:
    from portal import french
    from portal.rules.workflow import status_label
    from portal.statuses import meaning

    app.jinja_env.filters.update(FILTERS)
    app.jinja_env.filters.update(
        {
            "plural": french.plural,
            "quantity": french.quantity,
            "article": french.org_with_article,
            "capfirst": french.capfirst,
        }
    )
    app.jinja_env.globals["status_label_of"] = status_label
    app.jinja_env.globals["status_meaning"] = meaning
