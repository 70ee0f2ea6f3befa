"""The base form: WTForms' own messages in French (its bundled catalogue)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice


class Form(FlaskForm):
    class Meta:
        locales = ("fr_FR", "fr")


def choices(pairs) -> list[SelectChoice]:
    """Select options from ``(value, label)`` pairs (WTForms 3.3 wants SelectChoice)."""
    return [SelectChoice(str(value), label) for value, label in pairs]
