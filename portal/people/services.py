"""Use cases of the people area (docs/domain.md §5 and §6; convention annex 1 §3, annex 2):
propose a person, add proofs, decide eligibility, confirm the hire, record the placement's
life, version the harmonisation rules.

Every function takes the acting user, changes the session, records its audit line (ids and
codes only, never a name or a value) and leaves the commit to the view. E-mails are queued
(``portal.documents.mail``) and leave with the commit; proof files are removed after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, and_, or_, select

from portal import audit
from portal.access import Role, scoped
from portal.documents import mail
from portal.extensions import db
from portal.links import external_url
from portal.models import (
    AuditEvent,
    Candidacy,
    CandidacyCriterion,
    EligibilityDecision,
    EligibilityRules,
    Lot,
    Market,
    Operation,
    Organisation,
    OrganisationReferent,
    OrgKind,
    Participant,
    Placement,
    PlacementEvent,
    SubcontractorShare,
    User,
)
from portal.models.base import utcnow
from portal.people import proofs
from portal.refusals import Refused
from portal.rules import eligibility
from portal.rules.deadlines import add_months
from portal.rules.eligibility import CRITERIA, HarmonisationRules, identity_key
from portal.rules.reporting import ExitFacts, age_band, exit_category
from portal.rules.workflow import (
    CandidacyStatus,
    OperationStatus,
    PlacementStatus,
    next_status,
)

FOLLOWUP_MONTHS = 6
"""The situation after the contract is recorded at its end and again 6 months later
(docs/domain.md §6)."""

PLACEMENT_CLOSED_HOOKS: list = []
"""Functions ``(placement, user)`` called when a placement ends or breaks, registered by the
areas that follow it (``portal.recruitment`` sends the post-mission feedback form to the
referent); they queue mail and audit, never commit."""

NOT_ELIGIBLE_YET = (
    "L'embauche ne peut pas être déclarée : l'AMOI n'a pas validé l'éligibilité de cette "
    "candidature. Les heures ne comptent que pour une personne validée avant son embauche "
    "(convention, annexe 1 §3)."
)


# --- where a person may be proposed ----------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A lot or a TCE share a candidacy is for."""

    lot: Lot | None
    share: SubcontractorShare | None

    @property
    def key(self) -> str:
        return f"lot-{self.lot.id}" if self.lot else f"part-{self.share.id}"

    @property
    def label(self) -> str:
        if self.lot is not None:
            return f"{self.lot.market.reference} – {self.lot.label}"
        return f"{self.share.operation.name} – part TCE {self.share.trade_label}"


def targets_for(user: User, declarer: Organisation | None = None) -> list[Target]:
    """Where ``declarer`` may propose people: a company, the lots it holds and the TCE
    shares it carries; a structure, the lots it holds and the lots of running operations
    it may work on by placement, subcontracting or co-contracting (no link between a
    structure and a lot exists yet: decision of the portal, docs/domain.md §6). The AMOI,
    entering on a declarer's behalf, gets that declarer's targets, or every lot and share."""
    org = declarer if declarer is not None else user.organisation
    lots = select(Lot).join(Lot.market).join(Market.operation)
    shares = select(SubcontractorShare)
    if org.kind == OrgKind.FACILITATOR:
        pass
    elif org.kind == OrgKind.COMPANY:
        lots = lots.where(Lot.holder_id == org.id)
        shares = shares.where(SubcontractorShare.company_id == org.id)
    elif org.kind == OrgKind.STRUCTURE:
        lots = lots.where(
            (Lot.holder_id == org.id) | (Operation.status == OperationStatus.RUNNING.value)
        )
        shares = shares.where(SubcontractorShare.company_id == org.id)
    else:
        return []
    found = [Target(lot, None) for lot in db.session.scalars(lots.order_by(Lot.id))]
    found += [Target(None, share) for share in db.session.scalars(shares.order_by("id"))]
    return found


def resolve_target(user: User, declarer: Organisation, key: str) -> Target:
    """The target named ``key`` (« lot-12 », « part-3 ») if ``declarer`` may use it."""
    for target in targets_for(user, declarer):
        if target.key == key:
            return target
    raise Refused("Choisissez un lot ou une part TCE sur lequel vous pouvez proposer une personne.")


def declarers() -> list[Organisation]:
    """Companies and structures, for the AMOI entering a candidacy on their behalf."""
    return db.session.scalars(
        select(Organisation)
        .where(Organisation.kind.in_([OrgKind.COMPANY, OrgKind.STRUCTURE]))
        .where(Organisation.active.is_(True))
        .order_by(Organisation.name)
    ).all()


# --- proposal --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """What the proposal says of the person (never a social-security number)."""

    last_name: str
    first_name: str
    birth_date: date
    sex: str
    commune: str
    postal_code: str
    qpv_resident: bool
    qualification: str


def find_participant(identity: Identity) -> Participant | None:
    """The person already known under the same normalised names and birth date
    (``rules.eligibility.identity_key``), following merges."""
    key = identity_key(identity.last_name, identity.first_name, identity.birth_date)
    found = db.session.scalars(
        select(Participant)
        .where(Participant.match_key == key, Participant.merged_into_id.is_(None))
        .order_by(Participant.id)
        .limit(1)
    ).first()
    return found


def _org_referent_id(org_id: int) -> int | None:
    return db.session.scalar(
        select(OrganisationReferent.user_id).where(OrganisationReferent.organisation_id == org_id)
    )


def propose(
    user: User,
    declarer: Organisation,
    target: Target,
    identity: Identity,
    details: dict,
    criteria: list[str],
    today: date,
    replaces: Placement | None = None,
) -> Candidacy:
    """A new candidacy of a person for ``target`` by ``declarer`` (``user`` is the
    declarer's, or the AMOI entering it on its behalf). The same person proposed again is
    linked to the existing ``Participant``; the match is recorded for the AMOI only."""
    if declarer.kind not in (OrgKind.COMPANY, OrgKind.STRUCTURE):
        raise Refused(
            "Seule une entreprise ou une structure peut être à l'origine d'une candidature."
        )
    unknown = [code for code in criteria if code not in CRITERIA]
    if unknown:
        raise Refused("Un critère d'éligibilité est inconnu.")
    participant = find_participant(identity)
    matched = participant is not None
    if participant is None:
        participant = Participant(
            last_name=identity.last_name,
            first_name=identity.first_name,
            birth_date=identity.birth_date,
            match_key=identity_key(identity.last_name, identity.first_name, identity.birth_date),
            birth_year=identity.birth_date.year,
            sex=identity.sex,
            qualification=identity.qualification,
            commune=identity.commune,
            postal_code=identity.postal_code,
            qpv_resident=identity.qpv_resident,
            amoi_referent_id=_org_referent_id(declarer.id),
            created_by_id=user.id,
        )
        db.session.add(participant)
    else:  # the latest proposal says where the person lives now (aggregates only)
        participant.commune = identity.commune
        participant.postal_code = identity.postal_code
        participant.qpv_resident = identity.qpv_resident
        participant.qualification = identity.qualification
    candidacy = Candidacy(
        participant=participant,
        lot_id=target.lot.id if target.lot else None,
        share_id=target.share.id if target.share else None,
        declarer_id=declarer.id,
        submitted_by_id=user.id,
        entered_by_amoi=user.role is Role.FACILITATOR,
        status=CandidacyStatus.PENDING.value,
        submitted_at=utcnow(),
        age_band=age_band(identity.birth_date, details.get("planned_start") or today).value,
        matched_existing=matched,
        **details,
    )
    for code in dict.fromkeys(criteria):
        candidacy.criteria.append(CandidacyCriterion(code=code))
    db.session.add(candidacy)
    db.session.flush()
    if replaces is not None:
        if replaces.status != PlacementStatus.BROKEN or replaces.replacement_candidacy_id:
            raise Refused("Cette embauche n'est pas rompue, ou a déjà un remplaçant proposé.")
        replaces.replacement_candidacy_id = candidacy.id
    detail = f"declarer={declarer.id} criteria={len(criteria)}"
    if replaces is not None:
        detail += f" replaces={replaces.id}"
    audit.record("candidacy.proposed", candidacy, actor=user, detail=detail)
    if matched:
        audit.record(
            "participant.matched", participant, actor=user, detail=f"candidacy={candidacy.id}"
        )
    return candidacy


# --- proofs ----------------------------------------------------------------------------------


def add_proof(
    candidacy: Candidacy,
    user: User,
    code: str,
    data: bytes,
    proof_type: str,
    proof_date: date | None,
) -> CandidacyCriterion:
    """Attach a proof file to criterion ``code`` of a pending candidacy (checked by its
    first bytes; the previous file of that criterion is replaced). An RQTH proof is never
    stored (health data, docs/domain.md §5)."""
    if candidacy.status != CandidacyStatus.PENDING:
        raise Refused("L'AMOI a déjà décidé : les justificatifs ne peuvent plus changer.")
    criterion = CRITERIA.get(code)
    if criterion is None:
        raise Refused("Choisissez un critère de la candidature.")
    if criterion.health_data:
        raise Refused(
            "La décision MDPH (RQTH) n'est jamais déposée : l'AMOI la consulte et note "
            "seulement qu'elle l'a vue."
        )
    row = next((c for c in candidacy.criteria if c.code == code), None)
    stored = proofs.store(data)  # raises before anything is written
    if row is None:
        row = CandidacyCriterion(code=code)
        candidacy.criteria.append(row)
    elif row.proof_file:
        proofs.delete_on_commit(row.proof_file)
    row.proof_file = stored.name
    row.proof_content_type = stored.content_type
    row.proof_size = stored.size
    row.proof_sha256 = stored.sha256
    row.proof_type = proof_type or criterion.proof
    row.proof_date = proof_date
    db.session.flush()
    audit.record(
        "proof.added",
        candidacy,
        actor=user,
        detail=f"criterion={row.id} type={stored.content_type} size={stored.size}",
    )
    return row


# --- harmonisation rules ---------------------------------------------------------------------


def rules_versions() -> list[EligibilityRules]:
    return db.session.scalars(
        select(EligibilityRules).order_by(EligibilityRules.effective_from.desc())
    ).all()


def rules_on(day: date) -> tuple[EligibilityRules | None, HarmonisationRules]:
    """The version in force on ``day`` (its row, None for the defaults) and its value."""
    rows = rules_versions()
    rules = eligibility.rules_in_force([row.as_rules() for row in rows], day)
    row = next((r for r in rows if r.effective_from == rules.effective_from), None)
    return row, rules


def record_rules_version(user: User, rules: HarmonisationRules, note: str) -> EligibilityRules:
    """A new version of the harmonisation rules from ``rules.effective_from`` (an AMOI
    admin). Earlier decisions keep the version they applied."""
    if rules.effective_from is None:
        raise Refused("Indiquez la date d'entrée en vigueur de la nouvelle version.")
    exists = db.session.scalar(
        select(EligibilityRules.id).where(EligibilityRules.effective_from == rules.effective_from)
    )
    if exists is not None:
        raise Refused("Une version des règles commence déjà à cette date.")
    data = rules.to_data()
    row = EligibilityRules(
        effective_from=rules.effective_from,
        criteria=data["criteria"],
        proof_max_age_months=rules.proof_max_age_months,
        eligibility_months=rules.eligibility_months,
        cdi_cap_months=rules.cdi_cap_months,
        note=note,
        created_by_id=user.id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record("eligibility_rules.created", row, actor=user)
    return row


# --- decision --------------------------------------------------------------------------------


def earlier_decision(candidacy: Candidacy, day: date) -> EligibilityDecision | None:
    """The person's latest eligible decision still valid on ``day`` on another candidacy:
    the pathway holds from its first entry (docs/domain.md §5)."""
    return db.session.scalars(
        select(EligibilityDecision)
        .where(
            EligibilityDecision.participant_id == candidacy.participant_id,
            EligibilityDecision.candidacy_id != candidacy.id,
            EligibilityDecision.eligible.is_(True),
            EligibilityDecision.eligible_from <= day,
            EligibilityDecision.eligible_until >= day,
        )
        .order_by(EligibilityDecision.decided_on.desc(), EligibilityDecision.id.desc())
        .limit(1)
    ).first()


@dataclass(frozen=True)
class ProofCheck:
    """What the decision page says of a criterion's proof."""

    criterion: CandidacyCriterion
    fresh: bool | None  # None: no date
    future: bool = False


def proof_checks(candidacy: Candidacy, rules: HarmonisationRules, day: date) -> list[ProofCheck]:
    """Each criterion with the freshness of its proof on ``day`` (``proof_is_fresh``)."""
    checks = []
    for row in candidacy.criteria:
        if row.proof_date is None:
            checks.append(ProofCheck(row, None))
        elif row.proof_date > day:
            checks.append(ProofCheck(row, False, future=True))
        else:
            checks.append(ProofCheck(row, rules.proof_is_fresh(row.proof_date, day)))
    return checks


def decide(
    candidacy: Candidacy,
    user: User,
    day: date,
    *,
    eligible: bool,
    retained: list[str],
    countable_hours: Decimal | None,
    reason: str,
    seen: dict[str, tuple[str, date | None]] | None = None,
) -> EligibilityDecision:
    """The AMOI's decision (convention annex 1 §3). Eligible: at least one criterion the
    rules in force accept, validity until ``eligible_until`` of the first entry (or of the
    earlier decision still valid), the hours that may count. Not eligible: a reason for the
    declarer. Every proof file is deleted once this is committed; the metadata stay."""
    status = next_status("candidacy", candidacy.status, "validate" if eligible else "refuse")
    rules_row, rules = rules_on(day)
    seen = seen or {}
    retained = list(dict.fromkeys(retained))
    if eligible:
        refused = [code for code in retained if not rules.accepts(code)]
        if refused:
            raise Refused("Un critère retenu n'est pas accepté par les règles en vigueur.")
        if not retained:
            raise Refused("Retenez au moins un critère pour déclarer la personne éligible.")
        if countable_hours is None or countable_hours <= 0:
            raise Refused("Indiquez les heures du lot qui pourront être comptées.")
    elif not reason.strip():
        raise Refused(
            "Motivez la décision de non-éligibilité : le motif est communiqué au déclarant."
        )
    earlier = earlier_decision(candidacy, day) if eligible else None
    now = utcnow()
    rows = {row.code: row for row in candidacy.criteria}
    for code in set(retained) | set(seen):
        if code not in rows:
            rows[code] = CandidacyCriterion(code=code)
            candidacy.criteria.append(rows[code])
    for code, row in rows.items():
        row.retained = eligible and code in retained
        row.checked_by_id = user.id
        row.checked_at = now
        if code in seen:
            proof_type, proof_date = seen[code]
            row.proof_seen = True
            row.proof_type = proof_type or row.proof_type
            row.proof_date = proof_date or row.proof_date
        if row.proof_file:
            proofs.delete_on_commit(row.proof_file)
            row.proof_file = None
            row.proof_deleted_at = now
    decision = EligibilityDecision(
        candidacy=candidacy,
        participant_id=candidacy.participant_id,
        eligible=eligible,
        decided_on=day,
        decided_by_id=user.id,
        eligible_from=(earlier.eligible_from if earlier else day) if eligible else None,
        eligible_until=(earlier.eligible_until if earlier else rules.eligible_until(day))
        if eligible
        else None,
        countable_hours=countable_hours if eligible else None,
        criteria_codes=[code for code in CRITERIA if code in retained] if eligible else [],
        rules_id=rules_row.id if rules_row else None,
        rules_applied=rules.to_data(),
        earlier_decision_id=earlier.id if earlier else None,
        reason=reason.strip(),
    )
    db.session.add(decision)
    candidacy.status = status.value
    db.session.flush()
    audit.record(
        "candidacy.decided",
        candidacy,
        actor=user,
        detail=f"eligible={int(eligible)} decision={decision.id} rules={decision.rules_id or 0}",
    )
    _notify_decision(candidacy, decision)
    return decision


def _declarer_emails(org_id: int) -> list[str]:
    return db.session.scalars(
        select(User.email)
        .where(
            User.organisation_id == org_id,
            User.active.is_(True),
            User.password_hash.is_not(None),
        )
        .order_by(User.email)
    ).all()


def _notify_decision(candidacy: Candidacy, decision: EligibilityDecision) -> int:
    """The declarer is told (no name in the e-mail: the candidacy's number and a link)."""
    url = external_url("people.candidacy", candidacy_id=candidacy.id)
    verdict = "validée : la personne est éligible" if decision.eligible else "non retenue"
    body = (
        f"Bonjour,\n\nL'AMO Insertion a examiné la candidature n° {candidacy.id} "
        f"({candidacy.target_label}) : elle est {verdict}.\n\n"
    )
    if decision.eligible:
        body += "Vous pouvez télécharger la notification de validation et confirmer l'embauche.\n\n"
    else:
        body += "Le motif de la décision figure sur la page de la candidature.\n\n"
    body += f"Consulter la candidature : {url}\n\n-- Passerelle"
    subject = f"Candidature n° {candidacy.id} : décision de l'AMOI"
    recipients = _declarer_emails(candidacy.declarer_id)
    for email in recipients:
        mail.queue(email, subject, body)
    return len(recipients)


# --- hire and the placement's life -----------------------------------------------------------


def hire(
    candidacy: Candidacy,
    user: User,
    *,
    contract_type: str,
    start_date: date,
    planned_end: date | None,
    weekly_hours: Decimal,
) -> Placement:
    """The declarer confirms the actual start: the placement becomes active. Refused
    without an eligible decision, or when the start falls outside its validity."""
    decision = candidacy.decision
    if candidacy.status != CandidacyStatus.ELIGIBLE or decision is None or not decision.eligible:
        raise Refused(NOT_ELIGIBLE_YET)
    if decision.eligible_until and not (
        decision.eligible_from <= start_date <= decision.eligible_until
    ):
        raise Refused(
            "La date d'embauche est en dehors de la période d'éligibilité validée par l'AMOI."
        )
    if planned_end is not None and planned_end < start_date:
        raise Refused("La fin prévue du contrat précède son début.")
    candidacy.status = next_status("candidacy", candidacy.status, "hire").value
    placement = Placement(
        candidacy=candidacy,
        participant_id=candidacy.participant_id,
        decision_id=decision.id,
        lot_id=candidacy.lot_id,
        share_id=candidacy.share_id,
        employer_id=candidacy.declarer_id,
        status=PlacementStatus.ACTIVE.value,
        modality=candidacy.modality,
        contract_type=contract_type,
        start_date=start_date,
        planned_end=planned_end,
        weekly_hours=weekly_hours,
    )
    db.session.add(placement)
    placement.events.append(
        PlacementEvent(
            kind="start",
            effective_on=start_date,
            planned_end=planned_end,
            weekly_hours=weekly_hours,
            detail=contract_type,
            recorded_by_id=user.id,
        )
    )
    db.session.flush()
    audit.record("placement.started", placement, actor=user, detail=f"candidacy={candidacy.id}")
    return placement


def _active(placement: Placement) -> None:
    if placement.status != PlacementStatus.ACTIVE:
        raise Refused("Cette embauche est terminée : elle ne peut plus changer.")
    return None


def change_placement(
    placement: Placement,
    user: User,
    *,
    effective_on: date,
    planned_end: date | None,
    weekly_hours: Decimal | None,
) -> PlacementEvent:
    """A new planned end and/or weekly hours from ``effective_on`` (convention annex 2)."""
    _active(placement)
    if effective_on < placement.start_date:
        raise Refused("La modification ne peut pas précéder le début du contrat.")
    if planned_end is None and weekly_hours is None:
        raise Refused("Indiquez une nouvelle fin prévue ou un nouveau nombre d'heures par semaine.")
    if planned_end is not None and planned_end < placement.start_date:
        raise Refused("La fin prévue du contrat précède son début.")
    changed = []
    if planned_end is not None and planned_end != placement.planned_end:
        placement.planned_end = planned_end
        changed.append("planned_end")
    if weekly_hours is not None and weekly_hours != placement.weekly_hours:
        placement.weekly_hours = weekly_hours
        changed.append("weekly_hours")
    event = PlacementEvent(
        kind="change",
        effective_on=effective_on,
        planned_end=planned_end,
        weekly_hours=weekly_hours,
        recorded_by_id=user.id,
    )
    placement.events.append(event)
    db.session.flush()
    audit.record("placement.changed", placement, actor=user, detail="fields=" + ",".join(changed))
    return event


def break_placement(
    placement: Placement, user: User, *, day: date, kind: str, reason: str
) -> PlacementEvent:
    """A *rupture* or an *abandon* on ``day``, with its reason; a replacement candidacy may
    then be proposed and linked (convention annex 2)."""
    _active(placement)
    if day < placement.start_date:
        raise Refused("La rupture ne peut pas précéder le début du contrat.")
    placement.status = next_status("placement", placement.status, "break").value
    placement.ended_on = day
    placement.break_kind = kind
    placement.break_reason = reason.strip()
    event = PlacementEvent(
        kind="break", effective_on=day, detail=kind, reason=reason.strip(), recorded_by_id=user.id
    )
    placement.events.append(event)
    db.session.flush()
    audit.record("placement.broken", placement, actor=user, detail=f"kind={kind}")
    for hook in PLACEMENT_CLOSED_HOOKS:
        hook(placement, user)
    return event


def end_placement(
    placement: Placement,
    user: User,
    *,
    day: date,
    exit_kind: str,
    duration_months: int | None,
) -> PlacementEvent:
    """The contract's end with the exit situation (``rules.reporting.exit_category``); the
    +6-month situation becomes due (docs/domain.md §6)."""
    _active(placement)
    if day < placement.start_date:
        raise Refused("La fin du contrat ne peut pas précéder son début.")
    try:
        category = exit_category(ExitFacts(exit_kind, duration_months))
    except ValueError as error:
        raise Refused(str(error)) from error
    placement.status = next_status("placement", placement.status, "end").value
    placement.ended_on = day
    placement.exit_kind = exit_kind
    placement.exit_duration_months = duration_months
    placement.exit_category = category.value
    placement.followup_due_on = add_months(day, FOLLOWUP_MONTHS)
    event = PlacementEvent(kind="end", effective_on=day, detail=exit_kind, recorded_by_id=user.id)
    placement.events.append(event)
    db.session.flush()
    audit.record("placement.ended", placement, actor=user, detail=f"exit={category.value}")
    for hook in PLACEMENT_CLOSED_HOOKS:
        hook(placement, user)
    return event


def record_followup(
    placement: Placement,
    user: User,
    *,
    day: date,
    exit_kind: str,
    duration_months: int | None,
) -> PlacementEvent:
    """The situation 6 months after the end (docs/domain.md §6)."""
    if placement.status == PlacementStatus.ACTIVE:
        raise Refused("Le contrat est en cours : la situation à 6 mois viendra après sa fin.")
    try:
        category = exit_category(ExitFacts(exit_kind, duration_months))
    except ValueError as error:
        raise Refused(str(error)) from error
    placement.followup_kind = exit_kind
    placement.followup_duration_months = duration_months
    placement.followup_category = category.value
    placement.followup_recorded_on = day
    event = PlacementEvent(
        kind="followup", effective_on=day, detail=exit_kind, recorded_by_id=user.id
    )
    placement.events.append(event)
    db.session.flush()
    audit.record("placement.followup", placement, actor=user, detail=f"exit={category.value}")
    return event


def followups_due(day: date) -> Select:
    """Placements whose +6-month situation is due on ``day`` and not recorded yet."""
    return (
        select(Placement)
        .where(
            Placement.followup_due_on.is_not(None),
            Placement.followup_due_on <= day,
            Placement.followup_recorded_on.is_(None),
        )
        .order_by(Placement.followup_due_on, Placement.id)
    )


# --- merge and split (the AMOI corrects duplicate detection) --------------------------------


def _move(candidacies: list[Candidacy], target: Participant) -> None:
    for candidacy in candidacies:
        candidacy.participant = target
        if candidacy.decision is not None:
            candidacy.decision.participant_id = target.id
        if candidacy.placement is not None:
            candidacy.placement.participant_id = target.id


def merge_participants(source: Participant, target: Participant, user: User) -> None:
    """Two records of one person become one: every candidacy, decision and placement of
    ``source`` moves to ``target``; ``source`` stays, empty, pointing to ``target``
    (docs/domain.md §5; audited on both records)."""
    if source.id == target.id:
        raise Refused("Choisissez une autre fiche que celle-ci.")
    if source.merged_into_id is not None or target.merged_into_id is not None:
        raise Refused("L'une des deux fiches a déjà été fusionnée.")
    if target.anonymised_at is not None or source.anonymised_at is not None:
        raise Refused("Une fiche anonymisée ne peut pas être fusionnée.")
    _move(list(source.candidacies), target)
    if target.amoi_referent_id is None:
        target.amoi_referent_id = source.amoi_referent_id
    source.merged_into_id = target.id
    source.match_key = None
    db.session.flush()
    audit.record("participant.merged", source, actor=user, detail=f"into={target.id}")
    audit.record("participant.merged", target, actor=user, detail=f"from={source.id}")


def split_candidacy(candidacy: Candidacy, user: User) -> Participant:
    """A candidacy wrongly linked to a known person gets a record of its own, with the same
    identity as proposed (its decision and placement follow it; docs/domain.md §5)."""
    source = candidacy.participant
    if len(source.candidacies) < 2:
        raise Refused("Cette personne n'a qu'une candidature : il n'y a rien à séparer.")
    columns = (
        "last_name",
        "first_name",
        "birth_date",
        "match_key",
        "sex",
        "birth_year",
        "qualification",
        "commune",
        "postal_code",
        "qpv_resident",
        "amoi_referent_id",
    )
    new = Participant(**{name: getattr(source, name) for name in columns}, created_by_id=user.id)
    db.session.add(new)
    db.session.flush()
    _move([candidacy], new)
    candidacy.matched_existing = False
    db.session.flush()
    audit.record(
        "participant.split", source, actor=user, detail=f"candidacy={candidacy.id} to={new.id}"
    )
    audit.record("participant.split", new, actor=user, detail=f"from={source.id}")
    return new


# --- referents -------------------------------------------------------------------------------


def amoi_users() -> list[User]:
    """The AMOI's active users, among whom the *référent unique* is chosen."""
    return db.session.scalars(
        select(User)
        .join(User.organisation)
        .where(Organisation.kind == OrgKind.FACILITATOR, User.active.is_(True))
        .order_by(User.name)
    ).all()


def _amoi_user(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    found = next((u for u in amoi_users() if u.id == user_id), None)
    if found is None:
        raise Refused("Le référent doit être un utilisateur actif de l'AMOI.")
    return found


def set_participant_referent(participant: Participant, user: User, referent_id: int | None) -> None:
    """The AMOI's *référent unique* of a person (convention annex 1 §1)."""
    _amoi_user(referent_id)
    participant.amoi_referent_id = referent_id
    audit.record(
        "participant.referent_set", participant, actor=user, detail=f"referent={referent_id or 0}"
    )


def set_organisation_referent(org: Organisation, user: User, referent_id: int | None) -> None:
    """The AMOI's *référent unique* of a company or structure (convention annex 1 §1)."""
    _amoi_user(referent_id)
    row = db.session.get(OrganisationReferent, org.id)
    if referent_id is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(OrganisationReferent(organisation_id=org.id, user_id=referent_id))
    else:
        row.user_id = referent_id
    audit.record(
        "organisation.referent_set", org, actor=user, detail=f"referent={referent_id or 0}"
    )


def organisation_referents() -> dict[int, int]:
    """organisation id → the AMOI user who is its *référent unique*."""
    return dict(
        db.session.execute(
            select(OrganisationReferent.organisation_id, OrganisationReferent.user_id)
        ).all()
    )


# --- seams for the lists, exports and GDPR tools ---------------------------------------------


def placements_in_scope(user: User) -> Select:
    """The placements ``user`` may list or export (the same scope as the screens): the
    AMOI all, a company or structure its own, buyers none (they read counts)."""
    return scoped(Placement, user).order_by(Placement.start_date.desc(), Placement.id.desc())


def history(participant: Participant, candidacies: list[Candidacy], limit: int = 100) -> list:
    """The audit lines of a person, its candidacies and placements, newest first (the
    AMOI's person page: who did or saw what, and when; never values)."""
    keys = [("Participant", [participant.id])]
    keys.append(("Candidacy", [c.id for c in candidacies]))
    keys.append(("Placement", [c.placement.id for c in candidacies if c.placement]))
    clauses = [
        and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_([str(i) for i in ids]))
        for kind, ids in keys
        if ids
    ]
    return db.session.scalars(
        select(AuditEvent).where(or_(*clauses)).order_by(AuditEvent.id.desc()).limit(limit)
    ).all()


def record_view(action: str, obj: object, user: User, detail: str = "") -> None:
    """Every view or export of a person's data leaves an audit line (ids only)."""
    audit.record(action, obj, actor=user, detail=detail)
