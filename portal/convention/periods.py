"""The framework convention as the portal applies it on a given day: its periods (the
convention's own, those its avenants add, cut short by a termination) and the price grid in
force (the convention's, or one an avenant brought) (docs/domain.md §1 and 4; convention art. 6
and annexe 2).

Read-only helpers over the database; the rules they apply are in ``portal.rules``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.models import Amendment, ConventionTermination
from portal.rules import tariffs
from portal.rules.deadlines import (
    CONVENTION_PERIODS,
    ConventionPeriod,
    convention_period_for,
    periods_after_termination,
)


class OutsideConvention(Exception):
    """A French explanation of why nothing can be priced on that day."""


def active_termination() -> ConventionTermination | None:
    """The termination in force (the latest notice not withdrawn), if any (art. 6)."""
    return db.session.scalars(
        select(ConventionTermination)
        .where(ConventionTermination.withdrawn_on.is_(None))
        .order_by(ConventionTermination.effective_on)
    ).first()


def convention_periods() -> list[ConventionPeriod]:
    """The convention's own period plus those added by avenant, ended by a termination in
    force (docs/domain.md §1)."""
    periods = list(CONVENTION_PERIODS)
    for amendment in db.session.scalars(select(Amendment).order_by(Amendment.period_start)):
        periods.append(
            ConventionPeriod(
                f"amendment_{amendment.id}",
                amendment.label,
                amendment.period_start,
                amendment.period_end,
                amendment.reference,
            )
        )
    termination = active_termination()
    return periods_after_termination(periods, termination.effective_on if termination else None)


def amendment_grid(amendment: Amendment) -> tariffs.TariffGrid:
    """The price grid an avenant brings (ValueError if it brings none or an incoherent one)."""
    if not amendment.grid or amendment.grid_from is None:
        raise ValueError("Cet avenant n'apporte pas de grille tarifaire.")
    label = f"{amendment.reference} – grille du {amendment.grid_from:%d/%m/%Y}"
    return tariffs.grid_from_data(
        f"amendment_{amendment.id}", label, amendment.grid_from, amendment.grid
    )


def grids() -> tuple[tariffs.TariffGrid, ...]:
    """Every price grid: the convention's, then those brought by avenants, each in force
    from its date until a later one (``rules.tariffs.grid_for``)."""
    brought = db.session.scalars(
        select(Amendment).where(Amendment.grid_from.is_not(None)).order_by(Amendment.grid_from)
    ).all()
    return (*tariffs.DEFAULT_GRIDS, *(amendment_grid(a) for a in brought if a.grid))


def grid_by_code(code: str) -> tariffs.TariffGrid | None:
    """The grid a quote was priced with (its ``grid_code``), for human labels."""
    return next((grid for grid in grids() if grid.code == code), None)


def grid_on(day: date) -> tariffs.TariffGrid:
    """The grid in force on ``day``; ``OutsideConvention`` outside every convention period
    or without a grid (``rules.deadlines.convention_period_for``, ``rules.tariffs.grid_for``)."""
    if convention_period_for(day, convention_periods()) is None:
        termination = active_termination()
        if termination is not None and day >= termination.effective_on:
            raise OutsideConvention(
                f"La convention est résiliée depuis le {termination.effective_on:%d/%m/%Y} "
                f"(préavis donné le {termination.notice_given_on:%d/%m/%Y}) : aucun devis ne "
                f"peut être daté du {day:%d/%m/%Y}."
            )
        raise OutsideConvention(
            f"Aucune période de la convention ne couvre le {day:%d/%m/%Y} : la convention "
            "2022-2024 n'a pas été renouvelée par avenant pour cette date. Un administrateur "
            "de l'AMOI doit enregistrer l'avenant (menu « Avenants et facturation ») avant de "
            "dater un devis de ce jour."
        )
    try:
        return tariffs.grid_for(day, grids())
    except tariffs.NoTariffForDate as error:
        raise OutsideConvention(
            f"Aucune grille tarifaire n'est en vigueur le {day:%d/%m/%Y}."
        ) from error
