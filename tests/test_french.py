"""French grammar helpers: plurals below 2, articles before organisation names."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from portal.french import (
    capfirst,
    org_with_article,
    plural,
    quantity,
    starts_with_vowel_sound,
    with_article,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "lot"),
        (1, "lot"),
        (Decimal("1.5"), "lot"),
        (Decimal("1.99"), "lot"),
        (2, "lots"),
        (25, "lots"),
        (-1, "lot"),
        (-3, "lots"),
    ],
)
def test_plural_is_singular_below_two(count, expected):
    assert plural(count, "lot") == expected


def test_plural_with_irregular_form():
    assert plural(1, "travail", "travaux") == "travail"
    assert plural(3, "travail", "travaux") == "travaux"
    assert plural(2, "accès refusé", "accès refusés") == "accès refusés"


@pytest.mark.parametrize(
    ("count", "singular", "expected"),
    [
        (Decimal("1.5"), "jour", f"1,5{NBSP}jour"),
        (Decimal("2.5"), "jour", f"2,5{NBSP}jours"),
        (4, "jour", f"4{NBSP}jours"),
        (0, "facture", f"0{NBSP}facture"),
        (1820, "heure", f"1\u202f820{NBSP}heures"),
    ],
)
def test_quantity(count, singular, expected):
    assert quantity(count, singular) == expected


def test_quantity_of_nothing_is_empty():
    assert quantity(None, "lot") == ""


@pytest.mark.parametrize(
    ("name", "kind", "structure_kind", "nominative", "with_de", "with_a"),
    [
        (
            "Commune de Brignais",
            "buyer",
            None,
            "la commune de Brignais",
            "de la commune de Brignais",
            "à la commune de Brignais",
        ),
        ("CCVG", "buyer", None, "la CCVG", "de la CCVG", "à la CCVG"),
        (
            "Communauté de communes de la Vallée du Garon (CCVG)",
            "buyer",
            None,
            "la Communauté de communes de la Vallée du Garon (CCVG)",
            "de la Communauté de communes de la Vallée du Garon (CCVG)",
            "à la Communauté de communes de la Vallée du Garon (CCVG)",
        ),
        (
            "Bâtiments Démo du Garon",
            "company",
            None,
            "l'entreprise Bâtiments Démo du Garon",
            "de l'entreprise Bâtiments Démo du Garon",
            "à l'entreprise Bâtiments Démo du Garon",
        ),
        (
            "GEIQ BTP Démo",
            "structure",
            "GEIQ",
            "le GEIQ BTP Démo",
            "du GEIQ BTP Démo",
            "au GEIQ BTP Démo",
        ),
        (
            "Intérim Insertion Démo",
            "structure",
            "ETTI",
            "l'ETTI Intérim Insertion Démo",
            "de l'ETTI Intérim Insertion Démo",
            "à l'ETTI Intérim Insertion Démo",
        ),
        (
            "Chantier d'insertion Démo",
            "structure",
            "ACI",
            "le Chantier d'insertion Démo",
            "du Chantier d'insertion Démo",
            "au Chantier d'insertion Démo",
        ),
        (
            "Solidarité Travail",
            "structure",
            None,
            "la structure Solidarité Travail",
            "de la structure Solidarité Travail",
            "à la structure Solidarité Travail",
        ),
        (
            "Sud-Ouest Emploi",
            "facilitator",
            None,
            "Sud-Ouest Emploi",
            "de Sud-Ouest Emploi",
            "à Sud-Ouest Emploi",
        ),
        ("Alpha Emploi", "facilitator", None, "Alpha Emploi", "d'Alpha Emploi", "à Alpha Emploi"),
        (
            "Hôpital Sud",
            "buyer",
            None,
            "l'Hôpital Sud",
            "de l'Hôpital Sud",
            "à l'Hôpital Sud",
        ),
        (
            "Établissement public Garon",
            "buyer",
            None,
            "l'Établissement public Garon",
            "de l'Établissement public Garon",
            "à l'Établissement public Garon",
        ),
        (
            "Les Jardins de Cocagne",
            "structure",
            "ACI",
            "les Jardins de Cocagne",
            "des Jardins de Cocagne",
            "aux Jardins de Cocagne",
        ),
        (
            "Jardins du Garon",
            "structure",
            "ACI",
            "les Jardins du Garon",
            "des Jardins du Garon",
            "aux Jardins du Garon",
        ),
        (
            "Le Relais",
            "structure",
            "AI",
            "le Relais",
            "du Relais",
            "au Relais",
        ),
        ("L'Envol", "structure", "EI", "l'Envol", "de l'Envol", "à l'Envol"),
        (
            "Lecomte Charpente",
            "company",
            None,
            "l'entreprise Lecomte Charpente",
            "de l'entreprise Lecomte Charpente",
            "à l'entreprise Lecomte Charpente",
        ),
        (
            "Ville de Givors",
            "buyer",
            None,
            "la ville de Givors",
            "de la ville de Givors",
            "à la ville de Givors",
        ),
        (
            "ESAT du Garon",
            "structure",
            "ESAT",
            "l'ESAT du Garon",
            "de l'ESAT du Garon",
            "à l'ESAT du Garon",
        ),
    ],
)
def test_article_before_organisation_names(name, kind, structure_kind, nominative, with_de, with_a):
    assert with_article(name, kind, structure_kind) == nominative
    assert with_article(name, kind, structure_kind, "de") == with_de
    assert with_article(name, kind, structure_kind, "à") == with_a


@pytest.mark.parametrize(
    ("word", "elides"),
    [
        ("ETTI", True),
        ("entreprise", True),
        ("Écrin", True),
        ("hôpital", True),
        ("habitat", True),
        ("hameau", False),
        ("Halles", False),
        ("commune", False),
        ("", False),
    ],
)
def test_elision_before_vowel_or_mute_h(word, elides):
    assert starts_with_vowel_sound(word) is elides


def test_organisation_filter_reads_the_model_fields():
    org = SimpleNamespace(name="Commune de Vourles", kind="buyer", structure_kind=None)
    assert org_with_article(org) == "la commune de Vourles"
    assert capfirst(org_with_article(org, "de")) == "De la commune de Vourles"


def test_unknown_preposition_is_refused():
    with pytest.raises(ValueError):
        with_article("CCVG", "buyer", None, "pour")
