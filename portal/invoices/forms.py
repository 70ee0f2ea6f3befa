"""Invoice forms: the payment date."""

from __future__ import annotations

from wtforms.validators import DataRequired

from portal.web.forms import Form, FrenchDateField


class PaymentForm(Form):
    paid_on = FrenchDateField(
        "Date du paiement", validators=[DataRequired("Saisissez la date du paiement.")]
    )
