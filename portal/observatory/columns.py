"""Every column of the observatory files, documented once: the files' header rows and the
« colonnes » page are drawn from these lists, so they cannot drift (docs/domain.md §9).

A column: its header (the file's first row), its meaning in French, the codes it may hold
with their French labels (or none), its spreadsheet kind, and whether only the identified
version (AMOI) carries it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.documents.spreadsheets import Column
from portal.models.people import SEX_LABELS
from portal.rules.eligibility import CONTRACT_TYPE_LABELS, CRITERIA, MODALITY_LABELS
from portal.rules.hours import TRADES
from portal.rules.markets import LegalBasis
from portal.rules.reporting import (
    AGE_BAND_LABELS,
    EXIT_CATEGORY_LABELS,
    EXIT_KIND_LABELS,
    QUALIFICATION_LEVELS,
)


def _codes(labels) -> tuple[tuple[str, str], ...]:
    return tuple((str(getattr(code, "value", code)), str(label)) for code, label in labels.items())


HEALTH_CODES = frozenset(code for code, criterion in CRITERIA.items() if criterion.health_data)
"""Criteria that are health data (RQTH): in the identified file only (docs/domain.md §5)."""

YES_NO = (("oui", "Oui"), ("non", "Non"))


@dataclass(frozen=True)
class Documented:
    header: str
    meaning: str
    codes: tuple[tuple[str, str], ...] = ()
    kind: str = "text"
    width: int = 16
    identified_only: bool = False
    note: str = field(default="")

    @property
    def column(self) -> Column:
        return Column(self.header, self.kind, self.width)


LINE_COLUMNS: tuple[Documented, ...] = (
    Documented(
        "identifiant_pseudonyme",
        "Identifiant stable et non réversible de la personne (HMAC-SHA256 de son numéro "
        "dans le portail avec la clé secrète de l'application, 16 caractères) : la même "
        "personne garde le même identifiant sur tous ses lots et tous les fichiers.",
        width=20,
    ),
    Documented(
        "numero_personne",
        "Numéro de la personne dans le portail.",
        kind="int",
        identified_only=True,
    ),
    Documented("nom", "Nom de naissance de la personne.", width=22, identified_only=True),
    Documented("prenom", "Prénom de la personne.", width=18, identified_only=True),
    Documented(
        "date_naissance", "Date de naissance de la personne.", kind="date", identified_only=True
    ),
    Documented("sexe", "Sexe de la personne.", _codes(SEX_LABELS), width=6),
    Documented(
        "tranche_age_entree",
        "Tranche d'âge à l'entrée (à la date de début prévue de la candidature).",
        _codes(AGE_BAND_LABELS),
    ),
    Documented(
        "niveau_qualification", "Niveau de qualification déclaré.", _codes(QUALIFICATION_LEVELS)
    ),
    Documented(
        "criteres",
        "Critères d'éligibilité retenus par l'AMOI, codes séparés par des virgules. Le "
        "critère de santé (RQTH) ne figure que dans le fichier nominatif (AMOI).",
        tuple((code, criterion.label) for code, criterion in CRITERIA.items()),
        width=30,
    ),
    Documented("qpv", "Résident d'un quartier prioritaire de la politique de la ville.", YES_NO),
    Documented("commune_residence", "Commune de résidence (nom seulement).", width=22),
    Documented(
        "code_postal",
        "Code postal de résidence.",
        width=8,
        identified_only=True,
    ),
    Documented("numero_operation", "Numéro de l'opération dans le portail.", kind="int"),
    Documented("operation", "Nom de l'opération.", width=34),
    Documented("reference_marche", "Référence du marché.", width=18),
    Documented(
        "numero_lot",
        "Numéro du lot dans le marché ; vide pour la part d'un sous-traitant d'une opération TCE.",
        kind="int",
        width=8,
    ),
    Documented(
        "intitule_lot",
        "Intitulé du lot ; « Part TCE » suivi du corps d'état pour la part d'un sous-traitant "
        "d'une opération TCE (le marché est alors le premier de l'opération).",
        width=30,
    ),
    Documented("acheteur", "Acheteur public de l'opération (maître d'ouvrage).", width=30),
    Documented(
        "fondement_juridique",
        "Fondement juridique de la clause du marché.",
        tuple((basis.value, basis.label) for basis in LegalBasis),
        width=22,
    ),
    Documented(
        "corps_etat",
        "Corps d'état (métier) du lot.",
        tuple((code, trade.label) for code, trade in TRADES.items()),
        width=20,
    ),
    Documented("modalite", "Modalité de réalisation des heures.", _codes(MODALITY_LABELS)),
    Documented("type_contrat", "Type de contrat de l'embauche.", _codes(CONTRACT_TYPE_LABELS)),
    Documented("mois", "Mois des heures (AAAA-MM).", width=9),
    Documented(
        "heures",
        "Heures travaillées du mois validées par l'AMOI (formation comprise).",
        kind="decimal",
        width=10,
    ),
    Documented("heures_formation", "Dont heures de formation.", kind="decimal", width=10),
    Documented(
        "sortie",
        "Situation à la fin du contrat (vide si le contrat court encore).",
        _codes(EXIT_KIND_LABELS),
    ),
    Documented(
        "categorie_sortie",
        "Catégorie de la sortie à la fin du contrat.",
        _codes(EXIT_CATEGORY_LABELS),
    ),
    Documented("sortie_6_mois", "Situation six mois après la fin.", _codes(EXIT_KIND_LABELS)),
    Documented(
        "categorie_sortie_6_mois",
        "Catégorie de la situation à six mois.",
        _codes(EXIT_CATEGORY_LABELS),
    ),
)

SEMESTER_COLUMNS: tuple[Documented, ...] = (
    Documented(
        "semestre", "Semestre (AAAA-S1 : janvier à juin, AAAA-S2 : juillet à décembre).", width=9
    ),
    Documented("acheteur", "Acheteur public (maître d'ouvrage).", width=30),
    Documented(
        "corps_etat",
        "Corps d'état du lot.",
        tuple((code, trade.label) for code, trade in TRADES.items()),
        width=20,
    ),
    Documented(
        "fondement_juridique",
        "Fondement juridique de la clause.",
        tuple((basis.value, basis.label) for basis in LegalBasis),
        width=22,
    ),
    Documented("heures", "Heures validées du semestre.", kind="decimal", width=10),
    Documented("heures_formation", "Dont heures de formation.", kind="decimal", width=10),
    Documented("etp", "Équivalent temps plein : heures ÷ 1 820.", kind="decimal", width=8),
    Documented("personnes", "Personnes distinctes avec des heures validées.", kind="int", width=9),
    Documented("femmes", "Dont femmes.", kind="int", width=8),
    Documented("hommes", "Dont hommes.", kind="int", width=8),
    Documented("moins_26_ans", "Dont moins de 26 ans à l'entrée.", kind="int", width=8),
    Documented("26_49_ans", "Dont 26 à 49 ans à l'entrée.", kind="int", width=8),
    Documented("50_ans_et_plus", "Dont 50 ans et plus à l'entrée.", kind="int", width=8),
    Documented("residents_qpv", "Dont résidents d'un quartier prioritaire.", kind="int", width=8),
    Documented("sans_qualification", "Dont sans qualification ou infra 3.", kind="int", width=8),
    Documented("sorties", "Contrats terminés dans le semestre avec une sortie.", kind="int"),
    Documented("sorties_emploi_durable", "Dont emploi durable.", kind="int"),
    Documented("sorties_transition", "Dont emploi de transition.", kind="int"),
    Documented("sorties_positives", "Dont sorties positives.", kind="int"),
    Documented("sorties_autres", "Dont autres sorties.", kind="int"),
    Documented("sorties_neutralisees", "Dont sorties neutralisées.", kind="int"),
    Documented(
        "taux_sorties_dynamiques",
        "(emploi durable + transition + positives) ÷ (sorties − neutralisées), en %.",
        kind="decimal",
        width=10,
    ),
)


def line_columns(identified: bool) -> tuple[Documented, ...]:
    """The line file's columns, in order, for the identified or the anonymised version."""
    return tuple(c for c in LINE_COLUMNS if identified or not c.identified_only)
