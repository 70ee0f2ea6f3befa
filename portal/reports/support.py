"""A reserved market's commitments of support and the actions done against them (annexe 2;
docs/domain.md §9.1): the AMOI enters the commitments of the SIAE's technical memo and
corrects the actions; the SIAE records its own actions. Services take the user, change
the session, audit and never commit (the views do)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal import audit
from portal.extensions import db
from portal.models import Market, SupportAction, SupportCommitment, User
from portal.models.base import assign
from portal.refusals import Refused
from portal.rules.support import COMMITMENT_KINDS


class SupportRefused(Refused):
    """A commitment or action the rules refuse, with its French reason."""


def holders(market: Market) -> list:
    """The organisations holding a lot of the market (the SIAE whose commitments count),
    each once, by name."""
    found = {lot.holder.id: lot.holder for lot in market.lots if lot.holder is not None}
    return sorted(found.values(), key=lambda org: (org.name, org.id))


def _check_commitment(market: Market, values: dict) -> None:
    if not market.is_reserved:
        raise SupportRefused("Seul un marché réservé porte des engagements d'accompagnement.")
    if values["organisation_id"] not in {org.id for org in holders(market)}:
        raise SupportRefused("Choisissez une structure titulaire d'un lot de ce marché.")
    if values["kind"] not in COMMITMENT_KINDS:
        raise SupportRefused("Choisissez un type d'engagement de la liste.")
    if values["target"] <= 0:
        raise SupportRefused("L'objectif doit être supérieur à zéro.")


def add_commitment(market: Market, user: User, values: dict) -> SupportCommitment:
    """A commitment of the SIAE's technical memo, entered by the AMOI."""
    _check_commitment(market, values)
    commitment = SupportCommitment(market_id=market.id, created_by_id=user.id)
    assign(commitment, values)
    db.session.add(commitment)
    db.session.flush()
    audit.record("support.commitment_created", commitment, detail=f"market={market.id}", actor=user)
    return commitment


def update_commitment(commitment: SupportCommitment, user: User, values: dict) -> list[str]:
    """The AMOI corrects a commitment; the names of the fields changed."""
    _check_commitment(commitment.market, values)
    changed = assign(commitment, values)
    if changed:
        audit.record("support.commitment_updated", commitment, detail=" ".join(changed), actor=user)
    return changed


def _check_action(values: dict, today: date) -> None:
    if values["day"] > today:
        raise SupportRefused("Une action se saisit une fois réalisée : sa date est à venir.")
    if values["quantity"] <= 0:
        raise SupportRefused("La quantité réalisée doit être supérieure à zéro.")
    if values["people"] < 0:
        raise SupportRefused("Le nombre de personnes concernées ne peut pas être négatif.")


def record_action(
    commitment: SupportCommitment, user: User, values: dict, today: date
) -> SupportAction:
    """An action done against the commitment, recorded by the SIAE or the AMOI."""
    _check_action(values, today)
    action = SupportAction(commitment_id=commitment.id, recorded_by_id=user.id)
    assign(action, values)
    db.session.add(action)
    db.session.flush()
    audit.record(
        "support.action_recorded", action, detail=f"commitment={commitment.id}", actor=user
    )
    return action


def update_action(action: SupportAction, user: User, values: dict, today: date) -> list[str]:
    """The AMOI corrects an action; the names of the fields changed."""
    _check_action(values, today)
    changed = assign(action, values)
    if changed:
        audit.record("support.action_updated", action, detail=" ".join(changed), actor=user)
    return changed


def delete_action(action: SupportAction, user: User) -> None:
    """The AMOI removes an action recorded by mistake (the audit line keeps its trace)."""
    audit.record(
        "support.action_deleted",
        action,
        detail=f"commitment={action.commitment_id} quantity={Decimal(action.quantity)}",
        actor=user,
    )
    db.session.delete(action)
