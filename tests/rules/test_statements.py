"""Line rules of monthly hour statements (portal.rules.statements, docs/domain.md §7)."""

from datetime import date
from decimal import Decimal

import pytest

from portal.rules.statements import MAX_MONTHLY_HOURS, line_problems, settled_status

MARCH = date(2026, 3, 1)
BORN = date(1990, 1, 1)


def test_the_monthly_maximum_is_250_hours():
    assert Decimal(250) == MAX_MONTHLY_HOURS
    assert line_problems(Decimal(250), Decimal(250), MARCH, BORN) == []
    assert line_problems(Decimal("250.01"), Decimal(0), MARCH, BORN) == [
        "250,01 h travaillées dans le mois : au-delà des 250 h possibles pour une personne."
    ]


@pytest.mark.parametrize(
    ("hours", "training", "month", "born", "expected"),
    [
        (Decimal(0), Decimal(0), MARCH, BORN, []),
        (
            Decimal("-0.5"),
            Decimal(0),
            MARCH,
            BORN,
            ["Les heures travaillées sont négatives (−0,5 h)."],
        ),
        (
            Decimal(10),
            Decimal("10.5"),
            MARCH,
            BORN,
            [
                "Les heures de formation (10,5 h) dépassent les heures travaillées (10 h) : elles en font partie."
            ],
        ),
        (Decimal(10), Decimal(-1), MARCH, BORN, ["Les heures de formation sont négatives (−1 h)."]),
        (
            Decimal(10),
            Decimal(0),
            date(1999, 12, 1),
            BORN,
            ["Le mois 12/1999 n'est pas plausible (écrivez par exemple 03/2026)."],
        ),
        (
            Decimal(10),
            Decimal(0),
            date(2100, 1, 1),
            BORN,
            ["Le mois 01/2100 n'est pas plausible (écrivez par exemple 03/2026)."],
        ),
        (
            Decimal(10),
            Decimal(0),
            MARCH,
            date(1899, 12, 31),
            [
                "La date de naissance 31/12/1899 n'est pas plausible (écrivez par exemple 25/11/1990)."
            ],
        ),
        (
            Decimal(10),
            Decimal(0),
            MARCH,
            MARCH,
            [
                "La date de naissance 01/03/2026 suit le mois déclaré (03/2026) : la date de "
                "naissance et le mois sont-ils inversés ?"
            ],
        ),
    ],
)
def test_line_problems(hours, training, month, born, expected):
    assert line_problems(hours, training, month, born) == expected


def test_the_maximum_is_a_parameter():
    assert line_problems(Decimal(200), Decimal(0), MARCH, BORN, max_hours=Decimal(200)) == []
    assert len(line_problems(Decimal(201), Decimal(0), MARCH, BORN, max_hours=Decimal(200))) == 1


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([], None),
        (["validated", "refusal_proposed"], None),
        (["submitted", "validated"], None),
        (["validated", "validated"], "validated"),
        (["validated", "refused"], "validated"),
        (["refused"], "refused"),
        (["refused", "refused"], "refused"),
    ],
)
def test_a_statement_is_settled_once_no_line_waits(lines, expected):
    assert settled_status(lines) == expected
