"""A report as a document (``portal.documents.report_document``), built from its figures
(the plain data of ``rules.indicators.indicators_data``, frozen at delivery): one top
section per indicator with its XLSX ``sheet`` name, one subsection per lot. The report
page, the PDF, the XLSX and the DOCX all draw this same document, so they show the same
figures and the same charts (docs/domain.md §9).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from portal.documents.charts import bar_chart
from portal.documents.report_document import Cell, ReportDocument, Section, Table
from portal.formatting import day, hours, number
from portal.models.reports import TEXT_FIELDS
from portal.rules.eligibility import CONTRACT_TYPE_LABELS, CRITERIA, MODALITY_LABELS
from portal.rules.indicators import AGE_LABELS, EXIT_LABELS, HEALTH
from portal.rules.reporting import QUALIFICATION_LEVELS

SEX_LABELS = {"F": "Femmes", "M": "Hommes"}
CRITERIA_LABELS = {code: c.label for code, c in CRITERIA.items()} | {
    HEALTH: "Critère de santé (nombre seulement)"
}
MODALITY = {m.value: label for m, label in MODALITY_LABELS.items()}
CONTRACT = {c.value: label for c, label in CONTRACT_TYPE_LABELS.items()}


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def format_cell(value: Cell, unit: str = "") -> str:
    """A typed cell the French way (pages, PDF, DOCX): « 1 234,5 h », « 14 % »."""
    if value is None:
        return "–"
    if isinstance(value, date):
        return day(value)
    if isinstance(value, str):
        return value
    if unit == "%":
        return f"{number(Decimal(value) * 100)} %"
    if unit == "h":
        return hours(value)
    return number(value)


def _counts(caption: str, pairs: list, labels: dict, head: str) -> Table:
    rows = tuple((labels.get(key, key or "Non renseigné"), count) for key, count in pairs)
    return Table(caption, (head, "Nombre"), rows, ("", ""))


def _hours_table(caption: str, ind: dict) -> Table:
    h = ind["hours"]
    return Table(
        caption,
        ("Heures prévues", "Heures réalisées (validées)", "Taux de réalisation", "ETP"),
        (
            (
                _decimal(h["planned"]),
                _decimal(h["done"]),
                _decimal(h["rate"]),
                _decimal(h["fte"]),
            ),
        ),
        ("h", "h", "%", ""),
    )


def _per_lot(figures: dict, build) -> tuple[Section, ...]:
    return tuple(Section(title=lot["label"], **build(lot)) for lot in figures["lots"])


def _exit_tables(ind: dict) -> dict:
    end, later = ind["exits_end"], ind["exits_6_months"]
    return {
        "tables": (
            _counts("Situation à la fin du contrat", end, EXIT_LABELS, "Situation"),
            _counts("Situation à 6 mois", later, EXIT_LABELS, "Situation"),
            Table(
                "Taux de sorties dynamiques",
                ("Moment", "Taux"),
                (
                    ("À la fin du contrat", _decimal(ind["dynamic_rate_end"])),
                    ("À 6 mois", _decimal(ind["dynamic_rate_6_months"])),
                ),
                ("", "%"),
            ),
        )
    }


def _typology(ind: dict) -> dict:
    return {
        "tables": (
            _counts("Sexe", ind["sex"], SEX_LABELS, "Sexe"),
            _counts("Tranche d'âge à l'entrée", ind["age_band"], AGE_LABELS, "Tranche d'âge"),
            _counts(
                "Niveau de qualification", ind["qualification"], QUALIFICATION_LEVELS, "Niveau"
            ),
            _counts("Critères d'éligibilité", ind["criteria"], CRITERIA_LABELS, "Critère"),
            Table(
                "Quartiers prioritaires",
                ("Indicateur", "Nombre"),
                (("Personnes résidant en QPV", ind["qpv"]),),
            ),
            _counts("Commune de résidence", ind["communes"], {}, "Commune"),
        )
    }


def _modalities(ind: dict) -> dict:
    return {
        "tables": (
            _counts("Modalités de réalisation", ind["modalities"], MODALITY, "Modalité"),
            _counts("Types de contrat", ind["contract_types"], CONTRACT, "Contrat"),
        )
    }


def _interpretation(number: int, texts: dict) -> Section:
    """The AMOI's three texts (indicator 7), « Non renseigné. » where one is empty."""
    return Section(
        title=f"{number}. Interprétation de l'AMOI",
        sheet=f"{number} Interprétation",
        subsections=tuple(
            Section(title=label, paragraphs=(texts.get(name) or "Non renseigné.",))
            for name, label in TEXT_FIELDS.items()
        ),
    )


def build_document(
    figures: dict,
    *,
    title: str,
    subject: str,
    author: str,
    issued_on: date,
    status_line: str,
    filename: str,
    texts: dict[str, str],
) -> ReportDocument:
    """The report's document: the seven indicators of the figures (docs/domain.md §9)."""
    total = figures["total"]
    divisor = total["hours"]["fte_divisor"]
    lot_hours = [(lot["label"], _decimal(lot["hours"]["done"])) for lot in figures["lots"]]
    sections = (
        Section(
            title="1. Heures réalisées et prévues",
            sheet="1 Heures",
            paragraphs=(
                "Seules les heures des relevés validés comptent ; au-delà des mois "
                "comptabilisables d'un CDI, elles ne comptent plus.",
                f"ETP = heures réalisées ÷ {divisor} heures.",
            ),
            tables=(_hours_table("Heures de l'opération", total),),
            charts=(
                bar_chart(
                    "Heures réalisées par lot",
                    lot_hours,
                    unit="h",
                    category="Lot",
                    measure="Heures",
                ),
            ),
            subsections=_per_lot(
                figures, lambda lot: {"tables": (_hours_table("Heures du lot", lot),)}
            ),
        ),
        Section(
            title="2. Marchés concernés",
            sheet="2 Marchés",
            tables=(
                Table(
                    "Marchés",
                    ("Référence", "Intitulé", "Acheteur", "Fondement juridique", "Titulaires"),
                    tuple(
                        (
                            m["reference"],
                            m["title"],
                            m["buyer"],
                            m["legal_basis"],
                            ", ".join(m["holders"]),
                        )
                        for m in total["markets"]
                    ),
                ),
            ),
        ),
        Section(
            title="3. Personnes et contrats",
            sheet="3 Personnes",
            paragraphs=(
                "Une personne présente sur deux lots compte une fois pour l'opération et une "
                "fois pour chaque lot.",
            ),
            tables=(
                Table(
                    "Personnes et contrats",
                    ("Indicateur", "Nombre"),
                    (("Personnes", total["people"]), ("Contrats", total["placements"])),
                ),
            ),
            subsections=_per_lot(
                figures,
                lambda lot: {
                    "tables": (
                        Table(
                            "Personnes et contrats du lot",
                            ("Indicateur", "Nombre"),
                            (("Personnes", lot["people"]), ("Contrats", lot["placements"])),
                        ),
                    )
                },
            ),
        ),
        Section(
            title="4. Typologie des personnes",
            sheet="4 Typologie",
            paragraphs=(
                "Âge à l'entrée dans le contrat ; les critères de santé ne sont donnés qu'en "
                "nombre.",
            ),
            subsections=_per_lot(figures, _typology),
            **_typology(total),
        ),
        Section(
            title="5. Modalités et types de contrat",
            sheet="5 Modalités",
            subsections=_per_lot(figures, _modalities),
            **_modalities(total),
        ),
        Section(
            title="6. Situation à la sortie",
            sheet="6 Sorties",
            paragraphs=(figures["dynamic_exit_definition"],),
            subsections=_per_lot(figures, _exit_tables),
            **_exit_tables(total),
        ),
        _interpretation(7, texts),
    )
    return ReportDocument(
        title=title,
        subject=subject,
        author=author,
        issued_on=issued_on,
        status_line=status_line,
        filename=filename,
        sections=sections,
    )


# --- a reserved market's annual report (annexe 2; docs/domain.md §9.1) ------------------------


def _commitment_rows(commitments: list[dict]) -> tuple:
    return tuple(
        (
            c["label"],
            c["organisation"],
            _decimal(c["target"]),
            _decimal(c["done"]),
            _decimal(c["rate"]),
            c["unit"],
            c["people"],
            c["remark"],
        )
        for c in commitments
    )


def build_reserved_document(
    figures: dict,
    *,
    title: str,
    subject: str,
    author: str,
    issued_on: date,
    status_line: str,
    filename: str,
    texts: dict[str, str],
) -> ReportDocument:
    """The reserved market's annual report (annexe 2): the market, its beneficiaries and
    their situation, the meetings of the year, the SIAE's actions against its commitments
    of support, and the AMOI's text — the same pieces as an operation's report."""
    total, market, meetings = figures["total"], figures["market"], figures["meetings"]
    commitments = figures["commitments"]
    divisor = total["hours"]["fte_divisor"]
    sections = (
        Section(
            title="1. Le marché",
            sheet="1 Marché",
            tables=(
                Table(
                    "Marché réservé",
                    ("Référence", "Intitulé", "Opération", "Acheteur", "Fondement juridique"),
                    (
                        (
                            market["reference"],
                            market["title"],
                            market["operation"],
                            market["buyer"],
                            market["legal_basis"],
                        ),
                    ),
                ),
                Table(
                    "Titulaires",
                    ("Structure titulaire",),
                    tuple((name,) for name in market["holders"]) or (("Non attribué",),),
                ),
            ),
        ),
        Section(
            title="2. Les bénéficiaires",
            sheet="2 Bénéficiaires",
            paragraphs=(
                "Les personnes ayant des heures validées sur les lots du marché dans l'année ; "
                "âge à l'entrée dans le contrat, critères de santé en nombre seulement. Un "
                "marché réservé n'a pas d'heures d'insertion prévues : seules les heures "
                "réalisées sont données.",
                f"ETP = heures réalisées ÷ {divisor} heures.",
            ),
            tables=(
                Table(
                    "Personnes et contrats",
                    ("Indicateur", "Nombre"),
                    (("Personnes", total["people"]), ("Contrats", total["placements"])),
                ),
                Table(
                    "Heures réalisées sur le marché",
                    ("Heures réalisées (validées)", "ETP"),
                    ((_decimal(total["hours"]["done"]), _decimal(total["hours"]["fte"])),),
                    ("h", ""),
                ),
                *_typology(total)["tables"],
                *_modalities(total)["tables"],
            ),
        ),
        Section(
            title="3. Leur situation",
            sheet="3 Situation",
            paragraphs=(figures["dynamic_exit_definition"],),
            **_exit_tables(total),
        ),
        Section(
            title="4. Réunions de l'année",
            sheet="4 Réunions",
            paragraphs=(
                "Réunions dues chaque année d'un marché réservé : un point individuel en cours "
                "d'année et une réunion collective de fin d'année, la réunion de démarrage la "
                "première année.",
            ),
            tables=(
                Table(
                    "Réunions dues et tenues",
                    ("Réunion", "Prévues", "Tenues", "Restant à tenir"),
                    tuple(tuple(row) for row in meetings["expected"]),
                ),
                Table(
                    "Réunions de l'année",
                    ("Date", "Réunion", "État"),
                    tuple(
                        (date.fromisoformat(day_), label, "Tenue" if held else "Prévue")
                        for day_, label, held in meetings["list"]
                    ),
                ),
            ),
        ),
        Section(
            title="5. Actions de la SIAE au regard de ses engagements",
            sheet="5 Engagements",
            paragraphs=(
                "Objectif annuel de chaque engagement d'accompagnement du mémoire technique, "
                "réalisé dans l'année, taux d'atteinte et écart ; les personnes concernées "
                "sont comptées, jamais nommées.",
            )
            if commitments
            else ("Aucun engagement d'accompagnement n'est saisi pour ce marché.",),
            tables=(
                Table(
                    "Engagements et actions de l'année",
                    (
                        "Engagement",
                        "Structure",
                        "Objectif",
                        "Réalisé",
                        "Taux d'atteinte",
                        "Unité",
                        "Personnes concernées",
                        "Écart",
                    ),
                    _commitment_rows(commitments),
                    ("", "", "", "", "%", "", "", ""),
                ),
            )
            if commitments
            else (),
        ),
        _interpretation(6, texts),
    )
    return ReportDocument(
        title=title,
        subject=subject,
        author=author,
        issued_on=issued_on,
        status_line=status_line,
        filename=filename,
        sections=sections,
    )
