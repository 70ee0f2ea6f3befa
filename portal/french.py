"""French grammar for the screens (docs/architecture.md §8: "real plurals and articles, never
« lot(s) »"): the plural of a counted word, and the article before an organisation's name.

Pure functions over plain values (no Flask, no database), registered as Jinja filters by
``portal.formatting``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_decimal

NBSP = "\u00a0"


# --- plurals --------------------------------------------------------------------------


def plural(count: Decimal | int | float, singular: str, plural: str | None = None) -> str:
    """The word agreeing with ``count``: French keeps the singular below 2 (« 0 lot »,
    « 1,5 jour », « 2 jours »; Académie française, « Accord du nom après un nombre »)."""
    if abs(count) < 2:
        return singular
    return plural if plural is not None else f"{singular}s"


def quantity(count: Decimal | int | float | None, singular: str, plural_: str | None = None) -> str:
    """``count`` in French digits with its word: « 1 lot », « 1,5 jour », « 1 820 heures ».
    A non-breaking space keeps the number and its word on the same line."""
    if count is None:
        return ""
    digits = format_decimal(count, format="#,##0.##", locale="fr_FR")
    return f"{digits}{NBSP}{plural(count, singular, plural_)}"


# --- articles before organisation names ------------------------------------------------


@dataclass(frozen=True)
class Noun:
    """How a name beginning with this word takes its article: gender, number, and whether
    the word is a common noun written in lower case inside a sentence (« la commune de
    Brignais »)."""

    feminine: bool
    plural: bool = False
    common: bool = False


# First words of organisation names, in lower case. Common nouns followed by the place
# they designate are written in lower case in running text (Lexique des règles
# typographiques en usage à l'Imprimerie nationale: « la commune de Brignais »); the full
# names of institutions keep their capital (« la Communauté de communes de … »).
NOUNS: dict[str, Noun] = {
    "commune": Noun(feminine=True, common=True),
    "ville": Noun(feminine=True, common=True),
    "mairie": Noun(feminine=True, common=True),
    "communauté": Noun(feminine=True),
    "métropole": Noun(feminine=True),
    "région": Noun(feminine=True),
    "département": Noun(feminine=False),
    "syndicat": Noun(feminine=False),
    "association": Noun(feminine=True),
    "entreprise": Noun(feminine=True),
    "société": Noun(feminine=True),
    "agence": Noun(feminine=True),
    "régie": Noun(feminine=True),
    "chantier": Noun(feminine=False),
    "groupement": Noun(feminine=False),
    "établissement": Noun(feminine=False),
    "centre": Noun(feminine=False),
    "hôpital": Noun(feminine=False),
    "office": Noun(feminine=False),
    "atelier": Noun(feminine=False),
    "ateliers": Noun(feminine=False, plural=True),
    "jardins": Noun(feminine=False, plural=True),
}

# Acronyms that open organisation names, with the gender of the noun they stand for.
ACRONYMS: dict[str, Noun] = {
    "CCVG": Noun(feminine=True),  # communauté de communes
    "CC": Noun(feminine=True),
    "EPCI": Noun(feminine=False),  # établissement public
    "CCAS": Noun(feminine=False),  # centre communal d'action sociale
    "SIAE": Noun(feminine=True),  # structure
    "EI": Noun(feminine=True),  # entreprise d'insertion
    "ACI": Noun(feminine=False),  # atelier et chantier
    "AI": Noun(feminine=True),  # association intermédiaire
    "ETTI": Noun(feminine=True),  # entreprise de travail temporaire
    "EITI": Noun(feminine=True),
    "GEIQ": Noun(feminine=False),  # groupement d'employeurs
    "EA": Noun(feminine=True),  # entreprise adaptée
    "ESAT": Noun(feminine=False),  # établissement et service
    "PLIE": Noun(feminine=False),
    "EPIDE": Noun(feminine=False),
    "E2C": Noun(feminine=True),  # école de la deuxième chance
    "SARL": Noun(feminine=True),
    "SAS": Noun(feminine=True),
    "SA": Noun(feminine=True),
    "SCOP": Noun(feminine=True),
}

# Words whose h is aspirated: no elision (« le hameau », « la halle »). Every other h is
# mute (« l'hôpital »).
ASPIRATED_H = ("hall", "halle", "hameau", "hangar", "haut", "hêtre", "hongr", "holland")

# The noun put before a name that does not say what it is, by organisation kind.
KIND_NOUNS: dict[str, tuple[str, Noun] | None] = {
    "company": ("entreprise", Noun(feminine=True)),
    "structure": ("structure", Noun(feminine=True)),
    "buyer": None,  # buyers are named « Commune de … », « Communauté de … »
    "facilitator": None,  # a proper name without article: « Sud-Ouest Emploi »
}

_OWN_ARTICLE = re.compile(r"^(?:(les|le|la)\s+|(l['’]))(?=\S)", re.IGNORECASE)
_ARTICLE_NOUNS = {
    "le": Noun(feminine=False),
    "la": Noun(feminine=True),
    "l'": Noun(feminine=False),
    "les": Noun(feminine=False, plural=True),
}
_VOWELS = "aeiouyàâäéèêëîïôöùûüœæ"
_FIRST_WORD = re.compile(r"^([^\s'’-]+)")
_DEFINITE = {
    # (preposition, feminine, plural) → article; elision handled apart
    ("", False, False): "le ",
    ("", True, False): "la ",
    ("de", False, False): "du ",
    ("de", True, False): "de la ",
    ("à", False, False): "au ",
    ("à", True, False): "à la ",
}
_PLURAL = {"": "les ", "de": "des ", "à": "aux "}
_ELIDED = {"": "l'", "de": "de l'", "à": "à l'"}
PREPOSITIONS = ("", "de", "à")


def starts_with_vowel_sound(word: str) -> bool:
    """True before a vowel or a mute h (elision: « l'ETTI », « l'hôpital »), false before
    an aspirated h (« le hameau »)."""
    lower = word.lower()
    if not lower:
        return False
    if lower[0] in _VOWELS:
        return True
    if lower[0] == "h":
        return not lower.startswith(ASPIRATED_H)
    return False


def _article(preposition: str, noun: Noun, next_word: str) -> str:
    if noun.plural:
        return _PLURAL[preposition]
    if starts_with_vowel_sound(next_word):
        return _ELIDED[preposition]
    return _DEFINITE[(preposition, noun.feminine, False)]


def _without_article(name: str, preposition: str) -> str:
    if preposition == "de":
        return f"d'{name}" if starts_with_vowel_sound(name) else f"de {name}"
    if preposition == "à":
        return f"à {name}"
    return name


def with_article(
    name: str,
    kind: str = "",
    structure_kind: str | None = None,
    preposition: str = "",
) -> str:
    """The name of an organisation as it reads inside a French sentence, with its article
    and an optional preposition (``"de"``, ``"à"``), contracted and elided:

    - « Commune de Brignais » → « la commune de Brignais », « de la commune de Brignais »;
    - « CCVG » → « la CCVG »; « GEIQ BTP Démo » → « le GEIQ BTP Démo », « au GEIQ … »;
    - a company → « l'entreprise Bâtiments Démo », a structure → « l'ETTI Intérim … »
      (its kind's acronym) or « la structure … »;
    - the facilitator keeps its proper name: « Sud-Ouest Emploi », « d'Alpha Emploi ».
    """
    if preposition not in PREPOSITIONS:
        raise ValueError(f"Préposition non prévue : {preposition!r}.")
    name = name.strip()
    own = _OWN_ARTICLE.match(name)
    if own is not None:  # « Les Jardins de Cocagne » → « des Jardins de Cocagne »
        article = (own.group(1) or "l'").lower()
        noun = _ARTICLE_NOUNS[article]
        rest = name[own.end() :]
        return _article(preposition, noun, rest if article == "l'" else "x") + rest
    match = _FIRST_WORD.match(name)
    first = match.group(1) if match else ""
    noun = NOUNS.get(first.lower())
    if noun is not None:
        text = name[0].lower() + name[1:] if noun.common else name
        return _article(preposition, noun, first) + text
    if first in ACRONYMS:
        return _article(preposition, ACRONYMS[first], first) + name
    if kind == "structure" and structure_kind in ACRONYMS:
        prefix = f"{structure_kind} {name}"
        return _article(preposition, ACRONYMS[structure_kind], structure_kind) + prefix
    described = KIND_NOUNS.get(kind)
    if described is not None:
        word, gender = described
        return _article(preposition, gender, word) + f"{word} {name}"
    return _without_article(name, preposition)


def org_with_article(org, preposition: str = "") -> str:
    """:func:`with_article` for an object with ``name``, ``kind`` and ``structure_kind``
    (an ``Organisation``); the Jinja filter ``{{ org|article }}``, ``{{ org|article("de") }}``."""
    return with_article(
        org.name, str(org.kind or ""), getattr(org, "structure_kind", None), preposition
    )


def capfirst(text: str) -> str:
    """Upper-case the first letter only (Jinja's ``capitalize`` lowers the rest)."""
    return text[:1].upper() + text[1:]


# --- numbers as French users type them -------------------------------------------------


def parse_french_decimal(text: str | None) -> Decimal | None:
    """A number as French users type it: ``1 250,50``, ``1250.5``, ``1 250 €``, ``5 %``.
    Spaces (also non-breaking), a trailing ``€`` or ``%`` and one decimal comma or point
    are accepted; anything else raises ValueError. Empty text gives None."""
    if text is None:
        return None
    cleaned = text.strip().rstrip("€%").strip()
    for space in (" ", "\u00a0", "\u202f", "'"):
        cleaned = cleaned.replace(space, "")
    if not cleaned:
        return None
    if cleaned.count(",") + cleaned.count(".") > 1:
        raise ValueError("Un seul séparateur décimal est permis.")
    cleaned = cleaned.replace(",", ".")
    if not _TYPED_NUMBER.match(cleaned):
        raise ValueError("Saisissez un nombre (par exemple 1 250,50).")
    return Decimal(cleaned)


_TYPED_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$", re.ASCII)  # no other script's digits
