"""Eligible people, proofs, and which hours count (docs/domain.md §5 and §6).

Every candidacy is validated by the AMOI before the hire counts (convention annex 1).
Changing a rule never re-evaluates hours already validated: callers pass the parameters in
force when they validated.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from portal.rules.deadlines import add_months, first_of_month

PROOF_MAX_AGE_MONTHS = 3
"""Proofs must be less than 3 months old on the validation date (IAE rule since
September 2025; default, configurable; docs/domain.md §5)."""
ELIGIBILITY_MONTHS = 24
"""Eligibility holds for the pathway, capped at 24 months from the first entry (default,
configurable; docs/domain.md §5)."""
CDI_CAP_MONTHS = 12
"""Hours of a CDI count for 12 months (default, configurable; docs/domain.md §6)."""


@dataclass(frozen=True)
class Criterion:
    """An eligibility criterion: code, French label, usual proof, and whether it is health
    data (GDPR art. 9: store the code and the check metadata, never the document; only AMOI
    users see it) (convention annex 1; docs/domain.md §5)."""

    code: str
    label: str
    proof: str
    health_data: bool = False


CRITERIA = MappingProxyType(
    {
        criterion.code: criterion
        for criterion in (
            Criterion(
                "long_term_jobseeker",
                "Demandeur d'emploi de longue durée (12 mois et plus)",
                "Avis de situation France Travail",
            ),
            Criterion("rsa", "Bénéficiaire du RSA", "Attestation CAF ou MSA"),
            Criterion(
                "minimum_income",
                "Bénéficiaire de minima sociaux (ASS, AAH, ATA)",
                "Attestation de versement",
            ),
            Criterion(
                "disabled_worker",
                "Travailleur handicapé (RQTH)",
                "Décision MDPH (vue, non conservée)",
                health_data=True,
            ),
            Criterion(
                "young_low_qualified",
                "Jeune de moins de 26 ans peu ou pas qualifié",
                "Pièce d'identité et diplôme ou attestation sur l'honneur",
            ),
            Criterion(
                "senior_jobseeker",
                "Demandeur d'emploi de 50 ans et plus",
                "Pièce d'identité et avis de situation France Travail",
            ),
            Criterion(
                "structure_employee",
                "Salarié d'une SIAE, d'un GEIQ, d'une EA ou d'un ESAT",
                "Attestation de la structure",
            ),
            Criterion("epide_e2c", "Jeune suivi par l'EPIDE ou une E2C", "Attestation"),
            Criterion("plie", "Participant d'un PLIE", "Attestation du PLIE"),
            Criterion(
                "qpv_resident",
                "Résident d'un quartier prioritaire (QPV)",
                "Justificatif de domicile",
            ),
            Criterion(
                "derogation",
                "Dérogation motivée",
                "Avis écrit motivé (France Travail, Mission locale, Cap emploi…)",
            ),
        )
    }
)
"""Catalogue of eligibility criteria, code → Criterion, in display order (docs/domain.md §5)."""


class ContractType(enum.StrEnum):
    """Contract types of a hire (docs/domain.md §6)."""

    CDI = "cdi"
    CDD = "cdd"
    INTERIM = "interim"
    CDDI = "cddi"
    AI_MISSION = "ai_mission"
    PROFESSIONALISATION = "professionalisation"
    APPRENTICESHIP = "apprenticeship"
    CDPI = "cdpi"
    PEC = "pec"
    OTHER = "other"

    @property
    def label(self) -> str:
        """French label."""
        return CONTRACT_TYPE_LABELS[self]


CONTRACT_TYPE_LABELS = {
    ContractType.CDI: "CDI",
    ContractType.CDD: "CDD",
    ContractType.INTERIM: "Intérim (contrat de mission)",
    ContractType.CDDI: "CDDI",
    ContractType.AI_MISSION: "Mission AI",
    ContractType.PROFESSIONALISATION: "Contrat de professionnalisation",
    ContractType.APPRENTICESHIP: "Apprentissage",
    ContractType.CDPI: "CDPI",
    ContractType.PEC: "PEC",
    ContractType.OTHER: "Autre",
}

WORK_STUDY_CONTRACTS = frozenset({ContractType.PROFESSIONALISATION, ContractType.APPRENTICESHIP})
"""*Alternance*: training time is working time and its hours count (docs/domain.md §6)."""


class Modality(enum.StrEnum):
    """How the hours are carried out (*modalités de réalisation*) (docs/domain.md §6)."""

    DIRECT_HIRE = "direct_hire"
    TEMP_INSERTION = "temp_insertion"
    INTERMEDIARY_ASSOCIATION = "intermediary_association"
    GEIQ = "geiq"
    SUBCONTRACTING = "subcontracting"
    COCONTRACTING = "cocontracting"

    @property
    def label(self) -> str:
        """French label."""
        return MODALITY_LABELS[self]

    @property
    def reported_by_holder(self) -> bool:
        """True when the titulaire employs and reports the hours; otherwise the structure
        (ETTI, AI, GEIQ, SIAE) does (docs/domain.md §6)."""
        return self is Modality.DIRECT_HIRE


MODALITY_LABELS = {
    Modality.DIRECT_HIRE: "Embauche directe",
    Modality.TEMP_INSERTION: "Mise à disposition par une ETTI",
    Modality.INTERMEDIARY_ASSOCIATION: "Mise à disposition par une AI",
    Modality.GEIQ: "Mise à disposition par un GEIQ",
    Modality.SUBCONTRACTING: "Sous-traitance à une SIAE (EI, ACI)",
    Modality.COCONTRACTING: "Co-traitance avec une SIAE",
}


def _months(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} : nombre de mois invalide ({value!r}).")
    return value


def proof_is_fresh(proof_date: date, on: date, max_age_months: int = PROOF_MAX_AGE_MONTHS) -> bool:
    """A proof is fresh when it is less than `max_age_months` old on `on` (the validation
    date): `on` is before the same day number 3 months later, clamped to the month's end
    (a proof of 30/11/2023 is stale from 29/02/2024). A proof dated after `on` is an input
    error: ValueError (IAE rule since September 2025; default, configurable; docs/domain.md §5)."""
    _months(max_age_months, "Ancienneté maximale")
    if proof_date > on:
        raise ValueError("La date du justificatif est postérieure à la date de validation.")
    return on < add_months(proof_date, max_age_months)


def eligible_until(validated_on: date, months: int = ELIGIBILITY_MONTHS) -> date:
    """Last day (included) of eligibility for a pathway whose first entry is `validated_on`:
    the day before the same day number `months` later, e.g. 15/03/2024 → 14/03/2026
    (default 24 months, configurable; docs/domain.md §5)."""
    if _months(months, "Durée d'éligibilité") == 0:
        raise ValueError("La durée d'éligibilité doit être d'au moins un mois.")
    return add_months(validated_on, months) - timedelta(days=1)


def is_eligible_on(validated_on: date, day: date, months: int = ELIGIBILITY_MONTHS) -> bool:
    """True when `day` falls between the first entry and `eligible_until` (docs/domain.md §5)."""
    return validated_on <= day <= eligible_until(validated_on, months)


def countable_hours(
    contract_type: ContractType | str,
    contract_start: date,
    month: date,
    cdi_cap_months: int | None = CDI_CAP_MONTHS,
) -> bool:
    """Whether the hours of `month` (a statement month, any day of it) count for a contract
    starting on `contract_start`. Months before the contract's month never count. Hours of a
    CDI count for `cdi_cap_months` statement months, the start month being the first (12:
    a CDI starting 15/01/2024 counts January to December 2024); None lifts the cap. Other
    contracts count throughout, work-study training hours included (default 12 months,
    configurable; docs/domain.md §6)."""
    kind = ContractType(contract_type)
    start_month = first_of_month(contract_start)
    statement_month = first_of_month(month)
    if statement_month < start_month:
        return False
    if kind is not ContractType.CDI or cdi_cap_months is None:
        return True
    return statement_month < add_months(start_month, _months(cdi_cap_months, "Plafond CDI"))


_FOLDED_LETTERS = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o"})


def normalise_name(name: str) -> str:
    """A name as duplicate detection compares it: accents, case, hyphens, apostrophes,
    spaces and punctuation ignored, ligatures spelt out (« Lefèvre-Dupont » = « LEFEVRE
    DUPONT » = « lefevredupont »; « Œuvray » = « oeuvray »). Two people proposed under the
    same normalised names and birth date are the same person until the AMOI splits them
    (docs/domain.md §5; decision of the portal: a false match is cheaper than a double
    count, and only the AMOI sees that a match was made)."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_FOLDED_LETTERS))
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in letters.casefold() if ch.isalnum())


def identity_key(last_name: str, first_name: str, birth_date: date) -> str:
    """The key two candidacies of the same person share: normalised last and first names
    and the birth date (docs/domain.md §5, duplicate detection; see ``normalise_name``).
    It is identity data: erased with the names when a person is anonymised."""
    return f"{normalise_name(last_name)}|{normalise_name(first_name)}|{birth_date.isoformat()}"


@dataclass(frozen=True)
class HarmonisationRules:
    """One version of the departmental harmonisation rules the AMOI applies when it judges a
    candidacy (convention annex 1 §3: « règles d'harmonisation départementales »): which
    criteria are accepted, the maximum proof age, how long eligibility holds, the CDI cap.
    ``effective_from`` None is the portal's defaults (docs/domain.md §5 and §6: defaults,
    configurable); an AMOI admin records a new version from a date, and a decision keeps the
    version it applied (a new version never re-judges earlier decisions)."""

    effective_from: date | None = None
    criteria: frozenset[str] = frozenset(CRITERIA)
    proof_max_age_months: int = PROOF_MAX_AGE_MONTHS
    eligibility_months: int = ELIGIBILITY_MONTHS
    cdi_cap_months: int | None = CDI_CAP_MONTHS

    def __post_init__(self) -> None:
        unknown = set(self.criteria) - set(CRITERIA)
        if unknown:
            raise ValueError(f"Critères inconnus : {', '.join(sorted(unknown))}.")
        object.__setattr__(self, "criteria", frozenset(self.criteria))
        _months(self.proof_max_age_months, "Ancienneté maximale")
        if _months(self.eligibility_months, "Durée d'éligibilité") == 0:
            raise ValueError("La durée d'éligibilité doit être d'au moins un mois.")
        if self.cdi_cap_months is not None:
            _months(self.cdi_cap_months, "Plafond CDI")

    def accepts(self, code: str) -> bool:
        """Whether criterion `code` is accepted by this version (docs/domain.md §5)."""
        return code in self.criteria

    def proof_is_fresh(self, proof_date: date, on: date) -> bool:
        """``proof_is_fresh`` with this version's maximum age (docs/domain.md §5)."""
        return proof_is_fresh(proof_date, on, self.proof_max_age_months)

    def eligible_until(self, validated_on: date) -> date:
        """``eligible_until`` with this version's duration (docs/domain.md §5)."""
        return eligible_until(validated_on, self.eligibility_months)

    def to_data(self) -> dict:
        """Plain JSON data, as a decision stores the version it applied (docs/domain.md §5)."""
        return {
            "effective_from": self.effective_from.isoformat() if self.effective_from else None,
            "criteria": [code for code in CRITERIA if code in self.criteria],
            "proof_max_age_months": self.proof_max_age_months,
            "eligibility_months": self.eligibility_months,
            "cdi_cap_months": self.cdi_cap_months,
        }

    @classmethod
    def from_data(cls, data: dict) -> HarmonisationRules:
        """The version ``to_data`` wrote (docs/domain.md §5)."""
        start = data.get("effective_from")
        return cls(
            effective_from=date.fromisoformat(start) if start else None,
            criteria=frozenset(data["criteria"]),
            proof_max_age_months=data["proof_max_age_months"],
            eligibility_months=data["eligibility_months"],
            cdi_cap_months=data.get("cdi_cap_months"),
        )


DEFAULT_RULES = HarmonisationRules()
"""The portal's defaults, in force until an AMOI admin records a version (docs/domain.md §5)."""


def rules_in_force(versions: Iterable[HarmonisationRules], day: date) -> HarmonisationRules:
    """The version in force on `day`: the latest whose ``effective_from`` is on or before
    `day`, else the defaults (docs/domain.md §5; like the avenants' price grids)."""
    dated = [v for v in versions if v.effective_from is not None and v.effective_from <= day]
    return max(dated, key=lambda v: v.effective_from) if dated else DEFAULT_RULES
