from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.web.forms import Form


class LoginForm(Form):
    email = EmailField(
        "Adresse e-mail",
        validators=[DataRequired("Saisissez votre adresse e-mail."), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Mot de passe",
        validators=[DataRequired("Saisissez votre mot de passe.")],
        render_kw={"autocomplete": "current-password"},
    )


class SetPasswordForm(Form):
    password = PasswordField(
        "Nouveau mot de passe",
        validators=[DataRequired("Choisissez un mot de passe."), Length(max=200)],
        description="Au moins 12 caractères. Une phrase de plusieurs mots est plus sûre "
        "et plus facile à retenir.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirmez le mot de passe",
        validators=[
            DataRequired("Confirmez le mot de passe."),
            EqualTo("password", "Les deux mots de passe ne sont pas identiques."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(
        "Mot de passe actuel",
        validators=[DataRequired("Saisissez votre mot de passe actuel.")],
        render_kw={"autocomplete": "current-password"},
    )
