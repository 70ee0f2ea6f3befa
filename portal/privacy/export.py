"""A person's file, for the AMOI to answer an access request (RGPD art. 15; docs/gdpr-record.md
§9): everything the portal holds about the person — identity, situation, criteria and
their proofs' metadata, decisions, placements and their events — as plain values, for the
JSON download and the PDF. Health data included: it is the person's own data, and only the
AMOI builds this export. Nothing about other people (the users who acted are named by
their organisation's role only, not by name)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from portal.models import Candidacy, Participant, Placement
from portal.rules.reporting import AGE_BAND_LABELS, AgeBand


def _value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _criteria(candidacy: Candidacy) -> list[dict]:
    return [
        {
            "code": c.code,
            "libelle": c.label,
            "donnee_de_sante": c.health_data,
            "justificatif": c.proof_type,
            "date_du_justificatif": _value(c.proof_date),
            "justificatif_vu_non_conserve": c.proof_seen,
            "empreinte_sha256": c.proof_sha256,
            "fichier_conserve": bool(c.proof_file),
            "retenu": c.retained,
            "verifie_le": _value(c.checked_at),
        }
        for c in candidacy.criteria
    ]


def _decision(candidacy: Candidacy) -> dict | None:
    d = candidacy.decision
    if d is None:
        return None
    return {
        "resultat": d.outcome_label,
        "decide_le": _value(d.decided_on),
        "eligible_du": _value(d.eligible_from),
        "eligible_jusqu_au": _value(d.eligible_until),
        "heures_comptabilisables": _value(d.countable_hours),
        "criteres_retenus": list(d.criteria_codes or []),
        "motif": d.reason,
        "version_des_regles": _value((d.rules_applied or {}).get("effective_from")),
    }


def _candidacy(c: Candidacy) -> dict:
    return {
        "numero": c.id,
        "lot": c.target_label,
        "propose_par": c.declarer.name,
        "saisie_par_l_amoi": c.entered_by_amoi,
        "statut": c.status_label,
        "proposee_le": _value(c.submitted_at),
        "modalite": c.modality_label,
        "type_de_contrat": c.contract_type_label,
        "debut_prevu": _value(c.planned_start),
        "heures_hebdomadaires": _value(c.weekly_hours),
        "poste": c.job_title,
        "referent_de_parcours": {
            "organisme": c.referent_kind_label,
            "structure": c.referent_organisation,
            "nom": c.referent_name,
        },
        "tranche_d_age": AGE_BAND_LABELS.get(AgeBand(c.age_band), "") if c.age_band else "",
        "motif_de_retrait": c.withdrawal_reason,
        "criteres": _criteria(c),
        "decision": _decision(c),
    }


def _placement(p: Placement) -> dict:
    return {
        "numero": p.id,
        "lot": p.candidacy.target_label if p.candidacy else "",
        "employeur": p.employer.name,
        "statut": p.status_label,
        "modalite": p.modality_label,
        "type_de_contrat": p.contract_type_label,
        "debut": _value(p.start_date),
        "fin_prevue": _value(p.planned_end),
        "fin": _value(p.ended_on),
        "heures_hebdomadaires": _value(p.weekly_hours),
        "rupture": p.break_kind_label,
        "motif_de_rupture": p.break_reason,
        "situation_a_la_sortie": p.exit_kind_label,
        "categorie_de_sortie": p.exit_category_label,
        "situation_a_6_mois": p.followup_category_label,
        "evenements": [
            {
                "evenement": e.kind_label,
                "date": _value(e.effective_on),
                "fin_prevue": _value(e.planned_end),
                "heures_hebdomadaires": _value(e.weekly_hours),
                "motif": e.reason,
            }
            for e in p.events
        ],
    }


EXPORT_SECTIONS: list = []
"""Functions ``(participant) -> (key, list of dicts)`` adding what other areas hold about the
person to the export (``portal.recruitment``: its applications to job offers)."""


def person_data(participant: Participant, *, exported_on: date, kept_until: date | None) -> dict:
    """Everything the portal holds about ``participant``, labelled in French, as values
    JSON can write (dates in ISO 8601, hours as decimal strings)."""
    return {
        "document": "Données personnelles détenues par le portail Passerelle",
        "exporte_le": exported_on.isoformat(),
        "personne": {
            "numero": participant.id,
            "anonymisee_le": _value(participant.anonymised_at),
            "nom": participant.last_name,
            "prenom": participant.first_name,
            "date_de_naissance": _value(participant.birth_date),
            "annee_de_naissance": participant.birth_year,
            "sexe": participant.sex_label,
            "commune": participant.commune,
            "code_postal": participant.postal_code,
            "resident_qpv": participant.qpv_resident,
            "niveau_de_qualification": participant.qualification_label,
            "notes": participant.notes,
        },
        "conservation": {
            "identite_conservee_jusqu_au": _value(kept_until),
            "regle": (
                "Identité conservée tant qu'un contrat est en cours, puis pendant la durée "
                "réglée après la fin du dernier contrat, avant anonymisation."
            ),
        },
        "candidatures": [_candidacy(c) for c in participant.candidacies],
        "contrats": [_placement(p) for p in participant.placements],
        **dict(section(participant) for section in EXPORT_SECTIONS),
    }
