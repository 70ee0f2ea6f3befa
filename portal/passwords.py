"""Password hashing (argon2id) and the password policy (docs/architecture.md §4).

Policy: at least ``PASSWORD_MIN_LENGTH`` characters (12), no composition rules, refused
when it is a common password or a context word (organisation name, commune names, the
e-mail's local part) dressed up with digits or symbols, mostly a walk of neighbouring
azerty keys, or too guessable for zxcvbn (``PASSWORD_MIN_STRENGTH``; see
:mod:`portal.password_strength`).
"""

from __future__ import annotations

import contextlib
import re
import secrets
import unicodedata
from functools import cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from portal.password_strength import strength, without_keyboard_walks

# The communes of the Communauté de communes de la Vallée du Garon (docs/domain.md §1).
COMMUNES = ("Brignais", "Chaponost", "Vourles", "Millery", "Montagny", "Vallée du Garon")


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    key = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])
    return _hasher_for(*key)


@cache
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hash_password(password: str) -> str:
    """An argon2id hash with the configured cost."""
    return _hasher().hash(password)


@cache
def _dummy_hash_for(time_cost: int, memory_cost: int, parallelism: int) -> str:
    """A hash of a random secret nobody knows, with the configured cost."""
    return _hasher_for(time_cost, memory_cost, parallelism).hash(secrets.token_urlsafe(32))


def _dummy_hash() -> str:
    cfg = current_app.config
    return _dummy_hash_for(
        cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"]
    )


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-time check; ``False`` for accounts without a password (missing, invited,
    or not allowed to log in), after verifying against a dummy hash of the same cost so
    that timing tells nothing about the account (issue 8, finding 5)."""
    if not password_hash:
        with contextlib.suppress(VerificationError, InvalidHashError):
            _hasher().verify(_dummy_hash(), password)
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def normalise(text: str) -> str:
    """Lower case, accents removed, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed if c.isascii()))


@cache
def common_passwords() -> frozenset[str]:
    text = files("portal").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


# Characters people put for letters (« p@ssw0rd »), read back inside a stem.
_LEET = str.maketrans(
    {
        "@": "a",
        "4": "a",
        "0": "o",
        "3": "e",
        "1": "i",
        "!": "i",
        "$": "s",
        "5": "s",
        "7": "t",
        "€": "e",
    }
)


def _stem(password: str) -> str:
    """The password without the digits and symbols people add around a word."""
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.casefold())
    return normalise(core)


def _unleet_stem(password: str) -> str:
    """The stem with its look-alike digits and symbols read as letters."""
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.casefold())
    return normalise(core.translate(_LEET))


def password_problems(password: str, context_words: tuple[str, ...] = ()) -> list[str]:
    """French reasons why ``password`` is refused; an empty list means it is accepted."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return [f"Le mot de passe doit contenir au moins {minimum} caractères."]
    whole, stem, unleet = normalise(password), _stem(password), _unleet_stem(password)
    banned = common_passwords()
    context = {normalise(w) for w in (*context_words, *COMMUNES) if normalise(w)}
    stems = {s for s in (stem, unleet) if s}
    if whole in banned or whole in context or stems & (banned | context):
        return [
            "Ce mot de passe est trop courant ou trop proche de votre organisation, "
            "de votre adresse e-mail ou d'une commune : choisissez une phrase plus personnelle."
        ]
    if len(set(whole)) < 4:
        return ["Ce mot de passe répète trop peu de caractères différents."]
    remainder = whole
    for word in sorted(context, key=len, reverse=True):
        if len(word) >= 4:
            remainder = remainder.replace(word, "")
    if remainder != whole and len(remainder) < 8:
        return [
            "Ce mot de passe reprend le nom de votre organisation, votre adresse e-mail ou "
            "une commune : ajoutez des mots bien à vous."
        ]
    walkless = without_keyboard_walks(whole)
    if walkless != whole and len(walkless) < 8:
        return [
            "Ce mot de passe suit surtout des touches voisines du clavier (azerty…) : "
            "choisissez plutôt une phrase de plusieurs mots."
        ]
    words = {*context, *(w.casefold() for w in (*context_words, *COMMUNES)), *banned}
    if strength(password, words) < current_app.config["PASSWORD_MIN_STRENGTH"]:
        return [
            "Ce mot de passe serait trop vite deviné (mot courant, suite, répétition, date…) : "
            "choisissez une phrase de plusieurs mots bien à vous."
        ]
    return []


def context_words_for(email: str, organisation_name: str) -> tuple[str, ...]:
    """The words a password must not be built on, for this account."""
    local_part, _, domain = email.partition("@")
    domain_labels = domain.split(".")[:-1]  # the top-level domain is not a context word
    return (
        local_part,
        *re.split(r"[.\-_+]", local_part),
        *domain_labels,
        *(word for label in domain_labels for word in label.split("-")),
        organisation_name,
        *organisation_name.split(),
    )
