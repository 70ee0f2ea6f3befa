"""French presentation (docs/architecture.md §8): one set of Jinja filters built on babel.

Amounts ``1 250,00 €``, dates ``25/11/2026``, months ``novembre 2026``, hours ``1 820 h``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from flask import Flask

LOCALE = "fr_FR"
PARIS = ZoneInfo("Europe/Paris")


def money(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return format_currency(value, "EUR", locale=LOCALE)


def hours(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return f"{format_decimal(value, format='#,##0.##', locale=LOCALE)}\u00a0h"


def number(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return format_decimal(value, format="#,##0.##", locale=LOCALE)


def day(value: date | None) -> str:
    if value is None:
        return ""
    return format_date(value, "dd/MM/yyyy", locale=LOCALE)


def month(value: date | None) -> str:
    if value is None:
        return ""
    return format_date(value, "MMMM yyyy", locale=LOCALE)


def moment(value: datetime | None) -> str:
    """An instant shown in Paris time: ``25/11/2026 à 14:05``."""
    if value is None:
        return ""
    return format_datetime(value, "dd/MM/yyyy 'à' HH:mm", tzinfo=PARIS, locale=LOCALE)


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
