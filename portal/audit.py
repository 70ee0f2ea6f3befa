"""Append-only audit trail: ``record(action, obj)`` adds one line to the current transaction.

Lines carry ids and codes, never personal values (no names, e-mails, birth dates).
"""

from __future__ import annotations

import re
import uuid

from flask import g, has_request_context, request

from portal.extensions import db
from portal.models import AuditEvent

# Labels of the actions shown on the audit page (French, for the facilitator admin).
ACTION_LABELS = {
    "auth.login": "Connexion réussie",
    "auth.login_failed": "Échec de connexion",
    "auth.logout": "Déconnexion",
    "auth.password_set": "Mot de passe défini",
    "auth.password_check_failed": "Mot de passe actuel erroné (Mon compte)",
    "auth.throttled": "Tentatives bloquées (trop d'échecs)",
    "access.denied": "Accès refusé",
    "access.out_of_scope": "Objet d'une autre organisation demandé",
    "action.refused": "Action refusée dans l'état actuel",
    "organisation.created": "Organisation créée",
    "organisation.updated": "Organisation modifiée",
    "organisation.deactivated": "Organisation désactivée",
    "organisation.reactivated": "Organisation réactivée",
    "user.invited": "Compte invité",
    "user.updated": "Compte modifié",
    "user.deactivated": "Compte désactivé",
    "user.reactivated": "Compte réactivé",
    "user.reset_link": "Lien de réinitialisation émis",
    "user.invitation_renewed": "Invitation renouvelée",
    "users.listed": "Liste des comptes consultée",
    "declaration.created": "Achat déclaré au recensement",
    "declaration.updated": "Déclaration de recensement modifiée",
    "declaration.reviewed": "Déclaration examinée par l'AMOI",
    "declaration.reconsidered": "Avis sur une déclaration rouvert",
    "declaration.converted": "Déclaration transformée en opération",
    "operation.created": "Opération créée",
    "operation.updated": "Opération modifiée",
    "operation.status_changed": "Statut d'opération changé",
    "market.created": "Marché créé",
    "market.updated": "Marché modifié",
    "lot.created": "Lot créé",
    "lot.updated": "Lot modifié",
    "lot.hours_calculated": "Heures d'insertion calculées",
    "lot.hours_cleared": "Heures d'insertion retirées",
    "share.created": "Part de sous-traitant ajoutée",
    "share.deleted": "Part de sous-traitant supprimée",
    "export.lots": "Export des lots",
    "export.census": "Export du bilan du recensement",
    "export.recap": "Export de la refacturation d'une commune",
    "job.started": "Export demandé (tâche en arrière-plan)",
    "quote.created": "Devis créé",
    "quote.updated": "Devis modifié",
    "quote.submitted": "Devis soumis à la CCVG",
    "quote.approved": "Devis validé",
    "quote.rejected": "Devis refusé",
    "quote.revised": "Devis révisé (nouvelle version)",
    "quote.report_delivered": "Bilan remis",
    "report.created": "Bilan ouvert (projet)",
    "report.text_saved": "Texte d'un bilan enregistré",
    "report.delivered": "Bilan remis et figé",
    "report.new_version": "Nouvelle version d'un bilan ouverte",
    "support.commitment_created": "Engagement d'accompagnement ajouté (marché réservé)",
    "support.commitment_updated": "Engagement d'accompagnement corrigé",
    "support.action_recorded": "Action d'accompagnement enregistrée",
    "support.action_updated": "Action d'accompagnement corrigée",
    "support.action_deleted": "Action d'accompagnement supprimée",
    "quote.chorus_updated": "Références Chorus Pro enregistrées",
    "invoice.issued": "Facture émise",
    "invoice.paid": "Facture payée",
    "amendment.created": "Avenant enregistré",
    "amendment.updated": "Avenant modifié",
    "settings.payee_updated": "Coordonnées de facturation modifiées",
    "participants.listed": "Liste des personnes consultée",
    "placements.listed": "Embauches d'un lot consultées",
    "participants.searched": "Recherche de personnes",
    "participant.viewed": "Fiche d'une personne consultée",
    "participant.matched": "Personne déjà connue reconnue à une nouvelle candidature",
    "participant.referent_set": "Référent unique d'une personne choisi",
    "participant.merged": "Fiches de personnes fusionnées",
    "participant.split": "Candidature détachée vers une nouvelle fiche",
    "candidacy.proposed": "Candidature proposée",
    "candidacy.viewed": "Candidature consultée",
    "candidacies.queue_viewed": "File des candidatures à décider consultée",
    "candidacy.decided": "Décision d'éligibilité enregistrée",
    "proof.added": "Justificatif déposé",
    "proof.downloaded": "Justificatif téléchargé",
    "notification.downloaded": "Notification de validation téléchargée",
    "placement.viewed": "Embauche consultée",
    "placement.started": "Embauche confirmée",
    "placement.changed": "Embauche modifiée",
    "placement.broken": "Rupture ou abandon enregistré",
    "placement.ended": "Fin de contrat enregistrée",
    "placement.followup": "Situation à 6 mois enregistrée",
    "statement.submitted": "Relevé d'heures mensuel déposé",
    "statement.viewed": "Relevé d'heures mensuel consulté",
    "statement.replaced": "Relevé d'heures mensuel remplacé par un nouveau fichier",
    "statement.validated": "Relevé d'heures mensuel validé par l'AMOI (toutes ses lignes)",
    "statement.refusal_proposed": "Refus de lignes d'un relevé d'heures proposé à l'acheteur",
    "statement.settled": "Relevé d'heures mensuel clos après la décision de l'acheteur",
    "hour_line.refusal_proposed": "Refus d'une ligne d'heures proposé par l'AMOI",
    "hour_line.refusal_confirmed": "Refus d'une ligne d'heures confirmé par l'acheteur",
    "hour_line.refusal_overturned": "Refus d'une ligne d'heures écarté par l'acheteur",
    "hour_line.viewed": "Lignes d'heures en attente de décision consultées par l'acheteur",
    "statement.reminder_sent": "Relance des relevés d'heures en retard envoyée à une organisation",
    "statement.typed_draft": "Brouillon d'un relevé d'heures saisi enregistré",
    "statement.reopened": "Relevé d'heures saisi repassé en brouillon",
    "statement.grid_viewed": "Grille de saisie des heures consultée",
    "placements.followups_listed": "Suivis à 6 mois consultés",
    "eligibility_rules.created": "Version des règles d'harmonisation enregistrée",
    "organisation.referent_set": "Référent unique d'une organisation choisi",
    "participant.privacy_viewed": "Page des données personnelles d'une personne consultée",
    "participant.exported": "Dossier d'une personne exporté (droit d'accès)",
    "participant.anonymised": "Données personnelles d'une personne effacées (anonymisation)",
    "export.placements": "Export des embauches (personnes nommées)",
    "export.placement_counts": "Export des effectifs d'embauches par lot",
    "export.observatory": "Export du fichier anonymisé de l'observatoire",
    "export.observatory_identified": "Export du fichier nominatif des facilitateurs (personnes nommées)",
    "export.observatory_semester": "Export des agrégats semestriels de l'observatoire",
    "offer.created": "Offre d'emploi rédigée",
    "offer.opened": "Offre d'emploi ouverte",
    "offer.filled": "Offre d'emploi pourvue",
    "offer.cancelled": "Offre d'emploi annulée",
    "offer.diffused": "Offre d'emploi diffusée aux prescripteurs",
    "application.proposed": "Candidat positionné sur une offre",
    "application.viewed": "Candidat d'une offre consulté",
    "applications.listed": "Candidats d'une offre consultés",
    "application.preselected": "Candidat présélectionné (entretien)",
    "application.presented": "Candidat présenté à l'entreprise",
    "application.retained": "Candidat retenu par l'entreprise",
    "application.rejected": "Candidat non retenu",
    "application.cv_downloaded": "CV d'un candidat téléchargé",
    "application.feedback_requested": "Bilan de fin de mission demandé au référent",
    "application.feedback_recorded": "Bilan de fin de mission enregistré",
    "application.anonymised": "CV et identité d'un candidat effacés (durée de conservation)",
    "info_session.created": "Information collective programmée",
    "info_session.attendance": "Présences d'une information collective enregistrées",
    "followup.settings_saved": "Accord de l'acheteur sur les relances paramétré",
    "followup.contact_logged": "Contact avec un titulaire enregistré",
    "escalation.propose_reminder_letter": "Lettre de relance proposée à l'acheteur",
    "escalation.send_reminder_letter": "Lettre de relance engagée sans accord requis",
    "escalation.propose_formal_notice": "Lettre recommandée proposée à l'acheteur",
    "escalation.send_formal_notice": "Lettre recommandée engagée sans accord requis",
    "escalation.accept": "Étape de relance acceptée par l'acheteur",
    "escalation.decline": "Étape de relance refusée par l'acheteur",
    "escalation.resolve": "Relance close (entreprise remobilisée)",
    "letter.generated": "Lettre de relance générée (document figé)",
    "letter.sent": "Envoi d'une lettre enregistré",
    "letter.received": "Réception d'une lettre recommandée enregistrée",
    "penalty.proposed": "Pénalités proposées à l'acheteur",
    "penalty.decided": "Pénalités décidées par l'acheteur",
    "market.notified": "Marché notifié par l'acheteur",
    "market.kickoff_recorded": "Réunion de lancement fixée",
    "market.kickoff_confirmed": "Présence de l'AMOI à la réunion de lancement confirmée",
    "meeting.created": "Réunion enregistrée",
    "meeting.minutes_saved": "Compte rendu de réunion enregistré",
}

# The action recorded for a refusal a view (or the access gate) raised, by HTTP status.
REFUSALS = {403: "access.denied", 409: "action.refused"}

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,32}$")


def request_id() -> str:
    """The id of the current request (from ``X-Request-ID`` when well-formed)."""
    if not has_request_context():
        return ""
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
    return g.request_id


def record(
    action: str,
    obj: object | None = None,
    *,
    object_type: str = "",
    object_id: str | int = "",
    detail: str = "",
    actor=None,
    organisation=None,
) -> AuditEvent:
    """Add an audit line to the session; the caller's transaction commits it.

    ``obj`` is any model instance with an ``id``; its class name becomes the object type.
    ``detail`` must never hold personal values (field names, codes, counts only).
    """
    if obj is not None:
        object_type = object_type or type(obj).__name__
        object_id = object_id or getattr(obj, "id", "")
    if actor is None and has_request_context():
        actor = g.get("user")
    if organisation is None and actor is not None:
        organisation = actor.organisation
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        organisation_id=getattr(organisation, "id", None),
        object_type=object_type,
        object_id=str(object_id or "")[:40],
        request_id=request_id(),
        detail=detail[:255],
    )
    db.session.add(event)
    return event


def note_refusal(action: str, object_type: str, object_id: str | int) -> None:
    """Remember a refusal about to be raised (an out-of-scope object behind a 404), so that
    :func:`record_refusal` names the object rather than the endpoint."""
    g.refusal = (action, object_type, object_id)


def record_refusal(status: int) -> None:
    """Record the refusal behind a 403, a 409 or a noted 404 of a logged-in user, in its own
    transaction (the refused action's changes are rolled back first). Ids and the endpoint
    only: never the French message, which may name people (issue 8, finding 7)."""
    noted = g.pop("refusal", None)
    if g.get("user") is None or (status not in REFUSALS and noted is None):
        return
    action, object_type, object_id = noted or (REFUSALS[status], "endpoint", request.endpoint)
    ids = " ".join(
        f"{name}={value}"
        for name, value in (request.view_args or {}).items()
        if isinstance(value, int)
    )
    db.session.rollback()
    record(
        action,
        object_type=object_type,
        object_id=object_id or "",
        detail=f"status={status} endpoint={request.endpoint} {ids}".strip(),
    )
    db.session.commit()
