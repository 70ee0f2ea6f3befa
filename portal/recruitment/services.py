"""Use cases of pre-recruitment (docs/domain.md §10; convention annexe 1 §1, annexe 2):
write and open an offer, diffuse it, position a candidate, preselect, present, answer
*retenu* / *non retenu* (retained: the candidacy of the people area is created from the
application, without typing the person again), information sessions, the referent's
feedback and the deletion of CVs.

Every function takes the acting user, changes the session, records its audit line (ids
and codes only, never a name) and leaves the commit to the view. E-mails are queued and
leave with the commit; they never carry a candidate's name (a number and a link).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from portal import audit
from portal.access import Role
from portal.documents import mail
from portal.extensions import db
from portal.formatting import day as format_day
from portal.links import external_url
from portal.models import (
    Application,
    InfoSession,
    InfoSessionInvite,
    JobOffer,
    Lot,
    OfferDiffusion,
    Organisation,
    OrganisationReferent,
    OrgKind,
    Participant,
    Placement,
    User,
)
from portal.models.base import utcnow
from portal.models.people import PATHWAY_REFERENT_KINDS
from portal.models.recruitment import REJECTION_REASONS
from portal.people import proofs
from portal.people import services as people
from portal.privacy import anonymisation as privacy_anonymisation
from portal.privacy import export as privacy_export
from portal.refusals import Refused
from portal.rules.eligibility import CRITERIA, Modality
from portal.rules.recruitment import cv_expired
from portal.rules.workflow import ApplicationStatus, OfferStatus, next_status

OFFER_FIELDS = (
    "title",
    "trade_label",
    "rome_code",
    "posts",
    "contract_type",
    "weekly_hours",
    "start_on",
    "place",
    "requirements",
    "clause_hours",
)
DIFFUSED_STRUCTURES = ("GEIQ", "EI", "ACI", "AI", "ETTI", "EITI")
"""The structures of the directory an offer can be sent to (SIAE and GEIQ)."""


# --- offers ----------------------------------------------------------------------------------


def offer_lots(user: User) -> list[Lot]:
    """The lots ``user`` may write an offer for: the AMOI, every lot with a holder; a
    company, the lots it holds."""
    stmt = select(Lot).where(Lot.holder_id.is_not(None)).order_by(Lot.id)
    if user.role is Role.COMPANY:
        stmt = stmt.where(Lot.holder_id == user.organisation_id)
    elif user.role is not Role.FACILITATOR:
        return []
    return list(db.session.scalars(stmt))


def create_offer(user: User, lot: Lot, values: dict) -> JobOffer:
    """A new offer, a draft: the AMOI opens it (it checks a company's offer first)."""
    if lot not in offer_lots(user):
        raise Refused("Choisissez un lot dont vous êtes titulaire.")
    offer = JobOffer(
        lot=lot,
        author_id=user.organisation_id,
        created_by_id=user.id,
        status=OfferStatus.DRAFT.value,
        **{name: values[name] for name in OFFER_FIELDS},
    )
    db.session.add(offer)
    db.session.flush()
    audit.record("offer.created", offer, actor=user, detail=f"lot={lot.id}")
    if user.role is Role.COMPANY:
        _ask_the_amoi_to_check(offer)
    return offer


def _ask_the_amoi_to_check(offer: JobOffer) -> None:
    """A company's offer waits for the AMOI: its *référent unique* of the company is told
    (every AMOI user when none is chosen)."""
    referent = db.session.scalar(
        select(User.email)
        .join(OrganisationReferent, OrganisationReferent.user_id == User.id)
        .where(OrganisationReferent.organisation_id == offer.author_id)
    )
    recipients = [referent] if referent else _facilitator_emails()
    if recipients:
        mail.queue(
            recipients,
            f"Offre d'emploi n° {offer.id} à vérifier",
            f"Bonjour,\n\n{offer.author.name} a rédigé l'offre n° {offer.id} ({offer.title}) "
            "sur un lot qu'elle détient. Vérifiez-la puis ouvrez-la : "
            f"{external_url('recruitment.show', offer_id=offer.id)}\n\n-- Passerelle",
        )


def _facilitator_emails() -> list[str]:
    return list(
        db.session.scalars(
            select(User.email)
            .join(Organisation, User.organisation_id == Organisation.id)
            .where(
                Organisation.kind == OrgKind.FACILITATOR.value,
                User.active.is_(True),
                User.password_hash.is_not(None),
            )
            .order_by(User.email)
        )
    )


OFFER_ACTIONS = {"open": "offer.opened", "fill": "offer.filled", "cancel": "offer.cancelled"}


def change_offer(offer: JobOffer, user: User, action: str, today: date) -> JobOffer:
    """Open (the AMOI checked it), fill or cancel an offer; a closed offer starts the
    CV retention period (``rules.recruitment``)."""
    if action not in OFFER_ACTIONS:
        raise Refused("Action inconnue.")
    offer.status = next_status("offer", offer.status, action).value
    if action == "open":
        offer.opened_on = today
    else:
        offer.closed_on = today
    db.session.flush()
    audit.record(OFFER_ACTIONS[action], offer, actor=user)
    return offer


def diffusion_targets() -> list[Organisation]:
    """Prescribers, then SIAE and GEIQ of the directory, active and with an address."""
    rows = db.session.scalars(
        select(Organisation)
        .where(
            Organisation.active.is_(True),
            (Organisation.kind == OrgKind.PRESCRIBER.value)
            | (
                (Organisation.kind == OrgKind.STRUCTURE.value)
                & Organisation.structure_kind.in_(DIFFUSED_STRUCTURES)
            ),
        )
        .order_by(Organisation.kind, Organisation.name)
    )
    return list(rows)


def diffuse(
    offer: JobOffer,
    user: User,
    organisations: Iterable[Organisation],
    sheet: bytes,
) -> list[OfferDiffusion]:
    """Send the open offer, with its printable sheet, to each organisation (its contact
    address, else its users'); record to whom and when. An organisation already reached
    is sent it again (the date is updated)."""
    if offer.status != OfferStatus.OPEN:
        raise Refused("Seule une offre ouverte peut être diffusée : ouvrez-la d'abord.")
    organisations = list(organisations)
    if not organisations:
        raise Refused("Choisissez au moins un prescripteur ou une structure.")
    known = {d.organisation_id: d for d in offer.diffusions}
    now = utcnow()
    done = []
    url = external_url("recruitment.show", offer_id=offer.id)
    subject = f"Offre d'emploi n° {offer.id} : {offer.title} ({offer.posts} poste(s))"
    body = (
        f"Bonjour,\n\nL'AMO Insertion diffuse une offre d'emploi de la clause sociale :\n\n"
        f"  {offer.title} – {offer.trade_label}\n"
        f"  Contrat : {offer.contract_type_label}, {offer.weekly_hours} h par semaine\n"
        f"  Début : {format_day(offer.start_on) if offer.start_on else 'à convenir'}\n"
        f"  Lieu : {offer.place}\n\n"
        "La fiche de l'offre est jointe (PDF). Positionnez vos candidats sur le portail "
        f"ou répondez à ce message : {url}\n\n-- Passerelle"
    )
    attachment = (f"offre-{offer.id}.pdf", "application/pdf", sheet)
    for org in organisations:
        if org.kind != OrgKind.PRESCRIBER and org.kind != OrgKind.STRUCTURE:
            raise Refused("Une offre se diffuse aux prescripteurs, SIAE et GEIQ seulement.")
        recipients = [org.contact_email] if org.contact_email else _emails(org.id)
        if not recipients:
            raise Refused(f"{org.name} n'a pas d'adresse électronique : complétez sa fiche.")
        mail.queue(recipients, subject, body, (attachment,))
        row = known.get(org.id)
        if row is None:
            row = OfferDiffusion(offer=offer, organisation_id=org.id)
            db.session.add(row)
        row.email = recipients[0]
        row.sent_at = now
        row.sent_by_id = user.id
        done.append(row)
    db.session.flush()
    audit.record("offer.diffused", offer, actor=user, detail=f"organisations={len(done)}")
    return done


def _emails(org_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(User.email)
            .where(
                User.organisation_id == org_id,
                User.active.is_(True),
                User.password_hash.is_not(None),
            )
            .order_by(User.email)
        )
    )


# --- candidates ------------------------------------------------------------------------------


def prescribers() -> list[Organisation]:
    """Prescriber organisations, for the AMOI entering a candidate on their behalf."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrgKind.PRESCRIBER.value, Organisation.active.is_(True))
            .order_by(Organisation.name)
        )
    )


def store_cv(data: bytes) -> proofs.StoredProof:
    """Check a CV (a PDF, by its first bytes; the proofs' size limit) and store it outside
    ``static/`` like the proofs; nothing is written when it is refused."""
    content_type, _ = proofs.check(data)
    if content_type != "application/pdf":
        raise Refused(
            "Le CV doit être un fichier PDF (son contenu a été vérifié, pas seulement son "
            "nom) : il n'a pas été enregistré."
        )
    return proofs.store(data)


@dataclass(frozen=True)
class Candidate:
    """What the prescriber says of the person: the identity fields of a candidacy (never a
    social-security number) and the referent."""

    last_name: str
    first_name: str
    birth_date: date
    sex: str
    commune: str
    postal_code: str
    qpv_resident: bool
    qualification: str
    criteria: tuple[str, ...]
    referent_name: str
    referent_email: str


def propose(
    offer: JobOffer,
    user: User,
    prescriber: Organisation,
    candidate: Candidate,
    cv: bytes | None = None,
) -> Application:
    """A candidate positioned on an open offer by ``prescriber`` (``user`` is one of its
    users, or the AMOI entering a candidate received by e-mail)."""
    if offer.status != OfferStatus.OPEN:
        raise Refused("Cette offre n'est pas ouverte : on ne peut plus y positionner de candidat.")
    if prescriber.kind != OrgKind.PRESCRIBER:
        raise Refused("Choisissez le prescripteur qui positionne ce candidat.")
    if any(code not in CRITERIA for code in candidate.criteria):
        raise Refused("Un critère d'éligibilité est inconnu.")
    application = Application(
        offer=offer,
        prescriber_id=prescriber.id,
        submitted_by_id=user.id,
        entered_by_amoi=user.role is Role.FACILITATOR,
        status=ApplicationStatus.RECEIVED.value,
        last_name=candidate.last_name,
        first_name=candidate.first_name,
        birth_date=candidate.birth_date,
        birth_year=candidate.birth_date.year,
        sex=candidate.sex,
        commune=candidate.commune,
        postal_code=candidate.postal_code,
        qpv_resident=candidate.qpv_resident,
        qualification=candidate.qualification,
        criteria=list(dict.fromkeys(candidate.criteria)),
        referent_name=candidate.referent_name,
        referent_email=candidate.referent_email.lower(),
    )
    if cv:
        stored = store_cv(cv)
        application.cv_file = stored.name
        application.cv_size = stored.size
        application.cv_sha256 = stored.sha256
    db.session.add(application)
    db.session.flush()
    audit.record(
        "application.proposed",
        application,
        actor=user,
        detail=f"offer={offer.id} prescriber={prescriber.id} cv={int(bool(cv))}",
    )
    _tell_referent(
        application,
        "bien reçue",
        "L'AMO Insertion va l'analyser avant toute présentation à l'entreprise.",
    )
    return application


def preselect(
    application: Application, user: User, *, interview_on: date, outcome: str
) -> Application:
    """The AMOI's preselection interview (date and outcome): the candidate may be presented."""
    application.status = next_status("application", application.status, "preselect").value
    application.interview_on = interview_on
    application.interview_outcome = outcome.strip()
    db.session.flush()
    audit.record("application.preselected", application, actor=user)
    _tell_referent(
        application,
        "présélectionnée",
        f"Le candidat a eu un entretien de présélection le {format_day(interview_on)} ; "
        "l'AMO Insertion peut le présenter à l'entreprise.",
    )
    return application


def present(application: Application, user: User, *, note: str) -> Application:
    """The AMOI presents a preselected candidate to the company, with a short note."""
    application.status = next_status("application", application.status, "present").value
    application.amoi_note = note.strip()
    application.presented_at = utcnow()
    db.session.flush()
    audit.record("application.presented", application, actor=user)
    holder_id = application.offer.lot.holder_id
    recipients = _emails(holder_id) if holder_id else []
    if recipients:
        url = external_url("recruitment.application", application_id=application.id)
        mail.queue(
            recipients,
            f"Offre n° {application.offer_id} : un candidat vous est présenté",
            "Bonjour,\n\nL'AMO Insertion vous présente un candidat présélectionné pour "
            f"l'offre n° {application.offer_id} ({application.offer.title}).\n\n"
            f"Consultez sa candidature et répondez « retenu » ou « non retenu » : {url}\n\n"
            "-- Passerelle",
        )
    _tell_referent(application, "présentée à l'entreprise", "L'entreprise va donner sa réponse.")
    return application


def retain(application: Application, user: User, today: date):
    """The company retains the presented candidate: the application is *retenue* and the
    candidacy of the people area is created from it (same person, no new typing), pending
    the AMOI's eligibility decision before the hire (convention annexe 1 §3)."""
    offer = application.offer
    holder = offer.lot.holder
    if holder is None:
        raise Refused("Ce lot n'a pas de titulaire : la candidature ne peut pas être créée.")
    application.status = next_status("application", application.status, "retain").value
    application.decided_at = utcnow()
    application.decided_by_org_id = user.organisation_id
    prescriber = application.prescriber
    referent_kind = prescriber.prescriber_kind or "other"
    candidacy = people.propose(
        user,
        holder,
        people.Target(offer.lot, None),
        people.Identity(
            last_name=application.last_name,
            first_name=application.first_name,
            birth_date=application.birth_date,
            sex=application.sex,
            commune=application.commune,
            postal_code=application.postal_code,
            qpv_resident=application.qpv_resident,
            qualification=application.qualification,
        ),
        {
            "modality": Modality.DIRECT_HIRE.value,
            "contract_type": offer.contract_type,
            "planned_start": offer.start_on or today,
            "weekly_hours": offer.weekly_hours,
            "job_title": offer.title,
            "referent_kind": referent_kind if referent_kind in PATHWAY_REFERENT_KINDS else "other",
            "referent_organisation": prescriber.name,
            "referent_name": application.referent_name,
        },
        list(application.criteria or []),
        today,
    )
    application.candidacy_id = candidacy.id
    db.session.flush()
    audit.record(
        "application.retained", application, actor=user, detail=f"candidacy={candidacy.id}"
    )
    _tell_referent(
        application,
        "retenue par l'entreprise",
        "L'AMO Insertion vérifie l'éligibilité du candidat avant l'embauche.",
    )
    return candidacy


def reject(application: Application, user: User, *, reason: str, detail: str) -> Application:
    """Not retained: by the AMOI at any stage before, by the company once presented; a
    reason from the list and a free text, told to the referent."""
    if reason not in REJECTION_REASONS:
        raise Refused("Choisissez le motif dans la liste.")
    if reason == "other" and not detail.strip():
        raise Refused("Précisez le motif « autre ».")
    if user.role is Role.COMPANY and application.status != ApplicationStatus.PRESENTED:
        raise Refused("L'entreprise répond seulement pour un candidat qui lui a été présenté.")
    application.status = next_status("application", application.status, "reject").value
    application.rejection_reason = reason
    application.rejection_detail = detail.strip()
    application.decided_at = utcnow()
    application.decided_by_org_id = user.organisation_id
    db.session.flush()
    audit.record("application.rejected", application, actor=user, detail=f"reason={reason}")
    _tell_referent(application, "non retenue", f"Motif : {REJECTION_REASONS[reason]}.")
    return application


def _referent_recipients(application: Application) -> list[str]:
    if application.referent_email:
        return [application.referent_email]
    return _emails(application.prescriber_id)


def _tell_referent(application: Application, outcome: str, then: str) -> None:
    """The feedback to the referent at each outcome (convention annexe 1 §1: « retour
    systématique au référent de parcours »): a number and a link, never a name."""
    recipients = _referent_recipients(application)
    if not recipients:
        return
    url = external_url("recruitment.application", application_id=application.id)
    mail.queue(
        recipients,
        f"Candidature n° {application.id} (offre n° {application.offer_id}) : {outcome}",
        f"Bonjour,\n\nLa candidature n° {application.id} que vous avez positionnée sur "
        f"l'offre n° {application.offer_id} ({application.offer.title}) est {outcome}.\n"
        f"{then}\n\nSuivre la candidature : {url}\n\n-- Passerelle",
    )


# --- the post-mission feedback ---------------------------------------------------------------


def request_feedback(placement: Placement, user: User | None) -> None:
    """When a placement that came from an offer ends (or breaks), the referent is asked for
    the post-mission feedback (progress, obstacles) through a form of the portal
    (``people.services.PLACEMENT_CLOSED_HOOKS``)."""
    application = db.session.scalar(
        select(Application).where(Application.candidacy_id == placement.candidacy_id)
    )
    if application is None or application.feedback_requested_at is not None:
        return
    application.feedback_requested_at = utcnow()
    db.session.flush()
    audit.record("application.feedback_requested", application, actor=user)
    recipients = _referent_recipients(application)
    if recipients:
        url = external_url("recruitment.feedback", application_id=application.id)
        mail.queue(
            recipients,
            f"Candidature n° {application.id} : bilan de fin de mission",
            "Bonjour,\n\nLa mission de la personne que vous avez positionnée "
            f"(candidature n° {application.id}, offre n° {application.offer_id}) est "
            "terminée.\nMerci de nous dire en quelques lignes ses progrès et les freins "
            f"rencontrés, sur ce formulaire : {url}\n\n-- Passerelle",
        )


people.PLACEMENT_CLOSED_HOOKS.append(request_feedback)


def record_feedback(application: Application, user: User, *, progress: str, obstacles: str):
    if application.feedback_requested_at is None:
        raise Refused("Le bilan est demandé à la fin de la mission.")
    application.feedback_progress = progress.strip()
    application.feedback_obstacles = obstacles.strip()
    application.feedback_at = utcnow()
    db.session.flush()
    audit.record("application.feedback_recorded", application, actor=user)
    return application


# --- information sessions --------------------------------------------------------------------


def create_session(
    user: User,
    *,
    held_on: date,
    starts_at: str,
    place: str,
    note: str,
    offers: list[JobOffer],
    applications: list[Application],
) -> InfoSession:
    """An information session on one or more offers, with the candidates invited."""
    if not offers:
        raise Refused("Choisissez au moins une offre.")
    offer_ids = {o.id for o in offers}
    if any(a.offer_id not in offer_ids for a in applications):
        raise Refused("Un candidat invité n'est positionné sur aucune des offres choisies.")
    info = InfoSession(
        held_on=held_on,
        starts_at=starts_at,
        place=place.strip(),
        note=note.strip(),
        created_by_id=user.id,
        offers=offers,
    )
    for application in applications:
        info.invites.append(InfoSessionInvite(application_id=application.id))
    db.session.add(info)
    db.session.flush()
    audit.record("info_info.created", info, actor=user, detail=f"invited={len(applications)}")
    return info


def record_attendance(info: InfoSession, user: User, present_ids: set[int]) -> None:
    for invite in info.invites:
        invite.attended = invite.id in present_ids
    db.session.flush()
    audit.record("info_session.attendance", info, actor=user, detail=f"present={len(present_ids)}")


# --- CV deletion -----------------------------------------------------------------------------


def anonymise_application(application: Application, now: datetime, user: User | None) -> None:
    """Delete the CV (with the commit) and blank the identity (docs/domain.md §10)."""
    if application.cv_file:
        proofs.delete_on_commit(application.cv_file)
        application.cv_deleted_at = now
    for name in Application.IDENTITY_COLUMNS:
        column = Application.__table__.columns[name]
        setattr(application, name, None if column.nullable else "")
    application.anonymised_at = now
    audit.record("application.anonymised", application, actor=user)


def expire_cvs(today: date, now: datetime, months: int) -> list[int]:
    """Every candidate of an offer closed more than ``months`` months ago loses its CV and
    identity (``flask anonymise-expired``); the ids done. Idempotent."""
    rows = db.session.execute(
        select(Application, JobOffer.closed_on)
        .join(JobOffer, Application.offer_id == JobOffer.id)
        .where(Application.anonymised_at.is_(None), JobOffer.closed_on.is_not(None))
        .order_by(Application.id)
    ).all()
    done = []
    for application, closed_on in rows:
        if cv_expired(closed_on, months, today):
            anonymise_application(application, now, None)
            done.append(application.id)
    db.session.flush()
    return done


def record_view(action: str, obj: object, user: User, detail: str = "") -> None:
    """Every read of a candidate's data leaves an audit line (ids only)."""
    audit.record(action, obj, actor=user, detail=detail)


# --- a person's rights (RGPD art. 15 and 17; docs/gdpr-record.md §8) ---------------------------


def _applications_of(participant: Participant) -> list[Application]:
    """The applications that led to the person's candidacies (a retained candidate)."""
    candidacy_ids = [c.id for c in participant.candidacies]
    if not candidacy_ids:
        return []
    return list(
        db.session.scalars(
            select(Application)
            .where(Application.candidacy_id.in_(candidacy_ids))
            .order_by(Application.id)
        )
    )


def erase_applications(participant: Participant, actor: User | None, now: datetime) -> int:
    """A person's file is anonymised: so are the applications that led to it, their CV
    deleted with the commit; the number of applications blanked."""
    done = 0
    for application in _applications_of(participant):
        if application.anonymised_at is None:
            anonymise_application(application, now, actor)
            done += 1
    return done


def export_applications(participant: Participant) -> tuple[str, list[dict]]:
    """The person's applications to job offers, for the export of its data."""
    return (
        "candidatures_aux_offres",
        [
            {
                "offre": a.offer.title,
                "etape": a.status_label,
                "proposee_le": a.created_at.date().isoformat() if a.created_at else None,
                "entretien_le": a.interview_on.isoformat() if a.interview_on else None,
                "referent": a.referent_name,
                "cv_conserve": bool(a.cv_file),
                "note_amoi": a.amoi_note,
                "anonymisee_le": a.anonymised_at.isoformat() if a.anonymised_at else None,
            }
            for a in _applications_of(participant)
        ],
    )


privacy_anonymisation.ERASURE_HOOKS.append(erase_applications)
privacy_export.EXPORT_SECTIONS.append(export_applications)
