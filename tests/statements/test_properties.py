"""Hypothesis: any valid statement line written into a CSV — « ; » or « , » separated,
UTF-8 (with or without BOM) or Windows-1252, dates and months in any accepted form —
reads back equal (portal.statements.reader, docs/domain.md §7).

Names are drawn from letters people's names use. The letters « œ » and « Œ » are left out
on purpose: in Windows-1252 they are bytes that UTF-8 uses inside a character, so a rare
name such as « Çœ » written in Windows-1252 is also valid UTF-8 and reads as another
letter; no encoding detection can tell the two apart."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.statements.reader import HEADERS, StatementRow, read_statement

quick = settings(database=None, max_examples=150, deadline=None)

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZàâäçéèêëîïôöùûüÿÀÂÇÉÈÊÎÔÛ"
name = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(LETTERS),
    st.text(alphabet=LETTERS + " -'", max_size=30),
).map(str.rstrip)
lot = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -/°", min_size=1, max_size=30).filter(
    lambda text: text.strip() == text and text[0] not in "-"
)
hundredths = st.integers(min_value=0, max_value=25_000)
birth = st.dates(min_value=date(1940, 1, 1), max_value=date(2008, 12, 31))
month = st.dates(min_value=date(2009, 1, 1), max_value=date(2099, 12, 1)).map(
    lambda day: day.replace(day=1)
)


@st.composite
def rows(draw):
    worked = draw(hundredths)
    training = draw(st.integers(min_value=0, max_value=worked))
    return StatementRow(
        line=0,
        last_name=draw(name),
        first_name=draw(name),
        birth_date=draw(birth),
        lot=draw(lot),
        month=draw(month),
        hours=Decimal(worked).scaleb(-2),
        training_hours=Decimal(training).scaleb(-2),
    )


def _date(day: date, form: str) -> str:
    return day.strftime("%d/%m/%Y") if form == "fr" else day.isoformat()


def _month(day: date, form: str, offset: int) -> str:
    some_day = day + timedelta(days=offset)
    return {
        "mm/yyyy": day.strftime("%m/%Y"),
        "iso": day.strftime("%Y-%m"),
        "date": some_day.strftime("%d/%m/%Y"),
    }[form]


def _hours(value: Decimal, decimal_comma: bool) -> str:
    text = f"{value:f}"
    return text.replace(".", ",") if decimal_comma else text


@quick
@given(
    lines=st.lists(rows(), min_size=1, max_size=8),
    delimiter=st.sampled_from([";", ","]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    date_form=st.sampled_from(["fr", "iso"]),
    month_form=st.sampled_from(["mm/yyyy", "iso", "date"]),
    offset=st.integers(min_value=0, max_value=27),
    decimal_comma=st.booleans(),
    blank_every=st.integers(min_value=0, max_value=3),
    newline=st.sampled_from(["\r\n", "\n"]),
)
def test_any_valid_row_written_to_a_csv_reads_back_equal(
    lines, delimiter, encoding, date_form, month_form, offset, decimal_comma, blank_every, newline
):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(HEADERS)
    expected = []
    line = 1
    for index, row in enumerate(lines):
        if blank_every and index % blank_every == 0:
            buffer.write(newline)
            line += 1
        writer.writerow(
            [
                row.last_name,
                row.first_name,
                _date(row.birth_date, date_form),
                row.lot,
                _month(row.month, month_form, offset),
                _hours(row.hours, decimal_comma),
                _hours(row.training_hours, decimal_comma),
            ]
        )
        line += 1
        expected.append(
            StatementRow(
                line,
                row.last_name,
                row.first_name,
                row.birth_date,
                row.lot,
                row.month,
                row.hours,
                row.training_hours,
            )
        )
    statement = read_statement(buffer.getvalue().encode(encoding), "releve.csv")
    assert statement.errors == []
    assert statement.rows == expected
