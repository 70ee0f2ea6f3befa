"""Demonstration people (docs/domain.md §5 and §6): forty clearly fictitious people on the
demo lots, across every modality, criterion, contract type and status. Their last names
are words that say they are invented (*Exemple*, *Fictif*, *Démo*…), their birth dates
plausible, their communes those of the Vallée du Garon and around.

Each row: first name, last name, sex, birth date, commune and postal code, QPV resident,
qualification, criteria, modality, contract type, weekly hours, job title, and the
*scenario* — what happened to the candidacy:

- ``pending``: waiting for the AMOI's decision;
- ``refused``: judged not eligible, with a reason for the declarer;
- ``eligible``: judged eligible, not hired yet;
- ``withdrawn``: withdrawn by the declarer before the decision;
- ``active``: hired, contract running;
- ``ended:<exit kind>[:<months>]``: contract over, with the exit situation (and the new
  contract's length for a CDD or a mission);
- ``broken``: a *rupture* or an *abandon*, replaced by the next person of the list
  (whose candidacy is linked to the break).

Two more people (``EARLIER_PEOPLE``) were hired in December 2025 on the 2025 census's
voie verte (``portal.demo.year_data.CENSUS_2025``) on long contracts, a CDDI of 24 months
and a GEIQ professionalisation contract of 18 months: they give the demo twelve months of
hour statements (December 2025 – November 2026).

Who declares follows the modality: the lot's holder for a direct hire, the ETTI, the AI,
the GEIQ or the ACI for the others (``DECLARER_BY_MODALITY``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class DemoPerson:
    first_name: str
    last_name: str
    sex: str
    birth_date: date
    commune: str
    postal_code: str
    qpv: bool
    qualification: str
    criteria: tuple[str, ...]
    modality: str
    contract_type: str
    weekly_hours: Decimal
    job_title: str
    scenario: str
    contract_months: int = 6
    """The planned length of a fixed-term contract (a CDI has none)."""


DECLARER_BY_MODALITY = {
    "direct_hire": None,  # the lot's holder
    "temp_insertion": "etti",
    "intermediary_association": "ai",
    "geiq": "geiq",
    "subcontracting": "aci",
    "cocontracting": "aci",
}
"""The demo organisation (``portal.demo.ORGANISATIONS`` key) that proposes and employs the
person, by modality (docs/domain.md §6)."""

H35, H24, H28, H20, H30 = (Decimal(h) for h in ("35", "24", "28", "20", "30"))

P = DemoPerson
# fmt: off
PEOPLE: tuple[DemoPerson, ...] = (
    P("Alix", "Exemple", "F", date(1998, 4, 12), "Brignais", "69530", False, "level_3", ("young_low_qualified",), "direct_hire", "cdd", H35, "Ouvrière paysagiste", "active"),
    P("Bastien", "Fictif", "M", date(1971, 9, 3), "Chaponost", "69630", False, "none", ("senior_jobseeker", "long_term_jobseeker"), "direct_hire", "cdi", H35, "Agent d'entretien des espaces verts", "active"),
    P("Chloé", "Démo", "F", date(1985, 1, 27), "Givors", "69700", True, "level_4", ("rsa", "qpv_resident"), "temp_insertion", "interim", H35, "Manœuvre", "active"),
    P("Dylan", "Essai", "M", date(2003, 11, 8), "Grigny", "69520", True, "none", ("young_low_qualified", "qpv_resident"), "temp_insertion", "interim", H35, "Aide-maçon", "ended:temp_mission:8"),
    P("Élodie", "Modèle", "F", date(1979, 6, 19), "Vourles", "69390", False, "level_3", ("disabled_worker",), "geiq", "professionalisation", H35, "Électricienne en formation", "active"),
    P("Farid", "Témoin", "M", date(1990, 2, 14), "Millery", "69390", False, "level_3", ("long_term_jobseeker",), "geiq", "apprenticeship", H35, "Plaquiste apprenti", "active"),
    P("Gaëlle", "Maquette", "F", date(1968, 12, 1), "Montagny", "69700", False, "level_5", ("senior_jobseeker",), "intermediary_association", "ai_mission", H20, "Agente de nettoyage", "active"),
    P("Hugo", "Prototype", "M", date(1995, 7, 23), "Brignais", "69530", False, "none", ("minimum_income",), "intermediary_association", "ai_mission", H24, "Manutentionnaire", "ended:cdd:3"),
    P("Inès", "Exemple", "F", date(1988, 3, 5), "Givors", "69700", True, "level_3", ("rsa",), "subcontracting", "cddi", H28, "Ouvrière polyvalente", "active"),
    P("Jordan", "Fictif", "M", date(2001, 10, 30), "Grigny", "69520", True, "none", ("epide_e2c", "young_low_qualified"), "subcontracting", "cddi", H28, "Ouvrier du second œuvre", "broken"),
    P("Kenza", "Démo", "F", date(1993, 5, 17), "Givors", "69700", True, "level_4", ("plie", "qpv_resident"), "subcontracting", "cddi", H28, "Ouvrière du second œuvre", "active"),
    P("Loïc", "Essai", "M", date(1976, 8, 9), "Chaponost", "69630", False, "level_3", ("structure_employee",), "cocontracting", "cddi", H30, "Ouvrier en rénovation", "active"),
    P("Maëlys", "Modèle", "F", date(1999, 12, 24), "Brignais", "69530", False, "level_4", ("young_low_qualified",), "direct_hire", "apprenticeship", H35, "Apprentie électricienne", "pending"),
    P("Nathan", "Témoin", "M", date(1982, 4, 2), "Vourles", "69390", False, "none", ("long_term_jobseeker",), "direct_hire", "cdd", H35, "Maçon", "pending"),
    P("Océane", "Maquette", "F", date(1991, 9, 15), "Millery", "69390", False, "level_3", ("rsa",), "temp_insertion", "interim", H35, "Peintre", "pending"),
    P("Pierre", "Prototype", "M", date(1965, 1, 11), "Montagny", "69700", False, "level_3", ("senior_jobseeker",), "geiq", "professionalisation", H35, "Couvreur", "pending"),
    P("Quitterie", "Exemple", "F", date(1987, 7, 7), "Chaponost", "69630", False, "level_5", ("derogation",), "direct_hire", "cdd", H35, "Assistante de chantier", "refused"),
    P("Rayan", "Fictif", "M", date(2004, 2, 29), "Grigny", "69520", True, "none", ("young_low_qualified", "qpv_resident"), "temp_insertion", "interim", H35, "Manœuvre", "refused"),
    P("Sarah", "Démo", "F", date(1980, 10, 20), "Givors", "69700", True, "level_3", ("minimum_income",), "subcontracting", "cddi", H24, "Agente d'entretien", "eligible"),
    P("Théo", "Essai", "M", date(1997, 6, 6), "Brignais", "69530", False, "level_3", ("plie",), "direct_hire", "cdd", H35, "Électricien", "eligible"),
    P("Ulysse", "Modèle", "M", date(1973, 3, 28), "Vourles", "69390", False, "none", ("long_term_jobseeker",), "direct_hire", "cdi", H35, "Agent d'entretien des espaces verts", "ended:cdi"),
    P("Valentine", "Témoin", "F", date(1994, 11, 13), "Millery", "69390", False, "level_4", ("rsa",), "direct_hire", "cdd", H35, "Jardinière", "ended:cdd:7"),
    P("William", "Maquette", "M", date(1986, 5, 4), "Givors", "69700", True, "level_3", ("qpv_resident",), "temp_insertion", "interim", H35, "Manœuvre", "ended:subsidised_contract"),
    P("Xavière", "Prototype", "F", date(2002, 8, 18), "Grigny", "69520", True, "none", ("young_low_qualified",), "geiq", "professionalisation", H35, "Menuisière en formation", "ended:qualifying_training"),
    P("Yanis", "Exemple", "M", date(1989, 12, 2), "Montagny", "69700", False, "level_3", ("structure_employee",), "subcontracting", "cddi", H28, "Ouvrier polyvalent", "ended:siae_hire"),
    P("Zoé", "Fictif", "F", date(1978, 1, 22), "Chaponost", "69630", False, "level_4", ("long_term_jobseeker",), "intermediary_association", "ai_mission", H20, "Agente de propreté", "ended:job_seeking"),
    P("Adam", "Démo", "M", date(1966, 4, 16), "Brignais", "69530", False, "none", ("senior_jobseeker",), "direct_hire", "cdd", H35, "Ouvrier de voirie", "ended:moved"),
    P("Blandine", "Essai", "F", date(1992, 9, 9), "Givors", "69700", True, "level_3", ("rsa", "qpv_resident"), "cocontracting", "cddi", H30, "Ouvrière en rénovation", "ended:no_news"),
    P("Cyril", "Modèle", "M", date(1984, 6, 1), "Vourles", "69390", False, "level_3", ("disabled_worker",), "direct_hire", "cdi", H30, "Magasinier", "active"),
    P("Delphine", "Témoin", "F", date(1975, 2, 8), "Millery", "69390", False, "level_5", ("minimum_income",), "direct_hire", "pec", H24, "Agente administrative de chantier", "active"),
    P("Enzo", "Maquette", "M", date(2000, 3, 19), "Grigny", "69520", True, "none", ("young_low_qualified", "qpv_resident"), "direct_hire", "cdpi", H35, "Ouvrier de voirie", "active"),
    P("Fanny", "Prototype", "F", date(1983, 11, 27), "Givors", "69700", True, "level_3", ("plie",), "temp_insertion", "interim", H35, "Peintre", "broken"),
    P("Gabriel", "Exemple", "M", date(1996, 7, 31), "Brignais", "69530", False, "level_4", ("long_term_jobseeker",), "temp_insertion", "interim", H35, "Peintre", "active"),
    P("Héloïse", "Fictif", "F", date(1970, 5, 25), "Chaponost", "69630", False, "level_3", ("senior_jobseeker",), "direct_hire", "other", H20, "Agente d'accueil de chantier", "active"),
    P("Ismaël", "Démo", "M", date(1988, 10, 4), "Montagny", "69700", False, "none", ("rsa",), "geiq", "professionalisation", H35, "Maçon en formation", "withdrawn"),
    P("Jeanne", "Essai", "F", date(1999, 1, 15), "Givors", "69700", True, "level_4", ("epide_e2c",), "subcontracting", "cddi", H28, "Ouvrière polyvalente", "ended:temp_mission:2"),
    P("Karim", "Modèle", "M", date(1981, 8, 12), "Grigny", "69520", True, "level_3", ("long_term_jobseeker", "qpv_resident"), "direct_hire", "cdd", H35, "Électricien", "ended:civil_service"),
    P("Léna", "Témoin", "F", date(1990, 4, 28), "Vourles", "69390", False, "level_3", ("plie",), "intermediary_association", "ai_mission", H24, "Agente de nettoyage", "pending"),
    P("Malik", "Maquette", "M", date(1977, 12, 9), "Millery", "69390", False, "none", ("minimum_income",), "cocontracting", "cddi", H30, "Ouvrier en rénovation", "eligible"),
    P("Noémie", "Prototype", "F", date(2005, 6, 2), "Brignais", "69530", False, "none", ("young_low_qualified",), "direct_hire", "apprenticeship", H35, "Apprentie paysagiste", "ended:business_creation"),
)
# fmt: on
"""The forty demo people, in the order they were proposed."""

REFUSAL_REASON = (
    "Les justificatifs fournis datent de plus de trois mois : proposez de nouveau la "
    "candidature avec une attestation récente."
)
BREAK_REASON = "Abandon de poste après trois semaines (démonstration)."

# fmt: off
EARLIER_PEOPLE: tuple[tuple[str, int, date, DemoPerson], ...] = (
    (
        "2025-CCVG-006",
        1,
        date(2025, 11, 17),
        P("Amandine", "Essai", "F", date(1987, 2, 3), "Montagny", "69700", False, "level_3", ("long_term_jobseeker",), "subcontracting", "cddi", H28, "Ouvrière de voirie", "active", contract_months=24),
    ),
    (
        "2025-CCVG-006",
        2,
        date(2025, 11, 24),
        P("Bilal", "Témoin", "M", date(1999, 9, 21), "Givors", "69700", True, "none", ("young_low_qualified", "qpv_resident"), "geiq", "professionalisation", H35, "Paysagiste en formation", "active", contract_months=18),
    ),
)
# fmt: on
"""The long placements of the earlier year's operation: (market reference, lot number, day
of the proposal, person). Hired two weeks after the proposal, in December 2025."""
