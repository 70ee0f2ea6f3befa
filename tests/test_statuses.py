"""Status badges: every status of every machine has one meaning, hence one colour."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal.models.quotes import InvoiceStatus
from portal.rules.workflow import STATUSES, QuoteStatus
from portal.statuses import MEANINGS, Meaning, meaning

ALL_STATUSES = [(machine, status) for machine, enum_ in STATUSES.items() for status in enum_] + [
    ("invoice", status) for status in InvoiceStatus
]
CSS = Path(__file__).resolve().parents[1] / "static" / "css" / "app.css"


def test_every_machine_of_the_workflow_has_a_table():
    assert set(STATUSES) | {"invoice"} == set(MEANINGS)


@pytest.mark.parametrize(("machine", "status"), ALL_STATUSES, ids=lambda v: str(v))
def test_every_status_has_a_meaning(machine, status):
    assert isinstance(meaning(status, machine), Meaning)
    assert meaning(str(status)) is meaning(status, machine)  # the machine may be omitted


def test_no_table_holds_a_status_its_machine_does_not_have():
    for machine, table in MEANINGS.items():
        enum_ = STATUSES.get(machine, InvoiceStatus)
        assert set(table) <= set(enum_), machine


def test_each_meaning_has_its_own_colour_in_the_stylesheet():
    css = CSS.read_text()
    colours = {}
    for m in Meaning:
        rule = re.search(rf"\.badge--{m.value} \{{([^}}]*)\}}", css)
        assert rule, m
        colours[m] = re.search(r"background: ([^;]+);", rule.group(1)).group(1)
    assert len(set(colours.values())) == len(Meaning)


def test_the_five_meanings_of_the_issue():
    assert [m.value for m in Meaning] == ["draft", "waiting", "approved", "refused", "paid"]
    assert meaning(QuoteStatus.DRAFT, "quote") is Meaning.DRAFT
    assert meaning(QuoteStatus.SUBMITTED, "quote") is Meaning.WAITING
    assert meaning(QuoteStatus.APPROVED, "quote") is Meaning.APPROVED
    assert meaning(QuoteStatus.REJECTED, "quote") is Meaning.REFUSED
    assert meaning(InvoiceStatus.PAID, "invoice") is Meaning.PAID


def test_an_unknown_status_is_an_error_not_a_guess():
    with pytest.raises(KeyError):
        meaning("archived")


def test_badge_macro_renders_the_meaning(app):
    from flask import render_template_string

    with app.test_request_context():
        html = render_template_string(
            '{% from "_layout/badges.html" import status_badge %}'
            '{{ status_badge("Soumis", "submitted", "quote") }}'
            '{{ status_badge("Soldé", "settled") }}'
        )
    assert '<span class="badge badge--waiting">Soumis</span>' in html
    assert '<span class="badge badge--paid">Soldé</span>' in html
