"""The base form: WTForms' own messages in French (its bundled catalogue), NUL bytes
refused on the field, and one way to write a form onto its object (:meth:`Form.apply_to`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateField, SelectChoice, StringField
from wtforms.validators import StopValidation, ValidationError

from portal.french import parse_french_decimal
from portal.models.base import assign

NUL = "\x00"
NUL_MESSAGE = (
    "Ce champ contient un caractère invisible non autorisé (caractère nul). "
    "Retapez la valeur au clavier plutôt que de la copier-coller."
)


class Form(FlaskForm):
    """Every form of the portal. A NUL byte (which PostgreSQL refuses in any text) is
    removed before the fields read their data, so that no validator or query ever sees it,
    and the field says why the form is refused (issue 8, finding 3)."""

    class Meta:
        locales = ("fr_FR", "fr")

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        formdata = self.meta.wrap_formdata(self, formdata)
        self._nul_keys: set[str] = set()
        if isinstance(formdata, MultiDict):  # the request's form (and files)
            items = list(formdata.items(multi=True))
            if any(isinstance(value, str) and NUL in value for _key, value in items):
                cleaned = MultiDict()
                for key, value in items:
                    if isinstance(value, str) and NUL in value:
                        self._nul_keys.add(key)
                        value = value.replace(NUL, "")
                    cleaned.add(key, value)
                formdata = cleaned
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if field.name in self._nul_keys:
                field.errors = [*field.errors, NUL_MESSAGE]
        return valid and not self._nul_keys

    def values(self) -> dict[str, object]:
        """What the form writes on its object, by attribute name, cleaned (trimmed text,
        ids as integers, None for what does not apply). Each form that edits an object
        says it; the view or service reads it after validation."""
        raise NotImplementedError(f"{type(self).__name__} does not say what it writes")

    def apply_to(self, obj: object) -> list[str]:
        """Write :meth:`values` onto ``obj``; the names of the fields that changed, for
        the audit line (names only, never values: some are personal or bank data)."""
        return assign(obj, self.values())


def choices(pairs) -> list[SelectChoice]:
    """Select options from ``(value, label)`` pairs (WTForms 3.3 wants SelectChoice)."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class FrenchDecimalField(StringField):
    """A decimal typed the French way (see :func:`parse_french_decimal`); ``data`` is a
    ``Decimal`` or None, and a bad entry gives a French error instead of a crash."""

    def __init__(self, label=None, validators=None, places: int = 2, digits: int = 10, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)
        self.places = places  # decimals accepted as typed
        self.digits = digits  # integer digits accepted (the columns are Numeric(12, 2))

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist:
            return
        try:
            value = parse_french_decimal(valuelist[0])
        except (ValueError, InvalidOperation) as error:
            raise ValidationError(
                f"« {valuelist[0][:30]} » n'est pas un nombre valide. "
                "Saisissez par exemple 1 250,50."
            ) from error
        if value is not None:
            if -value.as_tuple().exponent > self.places:
                raise ValidationError(f"Saisissez au plus {self.places} décimales.")
            if abs(value) >= Decimal(10) ** self.digits:
                raise ValidationError("Ce nombre est trop grand.")
        self.data = value

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()  # "not a number" is enough: no "required" on top of it

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_decimal_fr(self.data)


class PercentField(FrenchDecimalField):
    """A percentage typed as ``5``, ``5 %`` or ``12,5``; ``data`` is the fraction
    (``Decimal("0.05")``)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data / 100

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return format_decimal_fr(self.data * 100)


def format_decimal_fr(value: Decimal) -> str:
    """``Decimal("1250.50")`` → ``1250,5``: the shortest French writing, for input values."""
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


class FrenchDateField(DateField):
    """A date from the browser's date picker (``2026-11-25``) or typed the French way
    (``25/11/2026``), with a French message instead of WTForms' generic one."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%d", "%d/%m/%Y"])
        kwargs.setdefault(
            "invalid_value_message",
            "Cette date n'est pas valide. Saisissez-la au format jj/mm/aaaa.",
        )
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not "".join(valuelist).strip():
            self.data = None  # empty: "required" validators speak, not "invalid date"
            return
        super().process_formdata(valuelist)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()  # "not a date" is enough: no "required" on top of it
