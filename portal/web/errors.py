"""Error pages: a full page for navigation, a fragment in the alert region for htmx."""

from __future__ import annotations

from flask import Flask, make_response, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from portal import audit
from portal.extensions import db
from portal.web.htmx import is_htmx, retarget

MESSAGES = {
    400: (
        "Requête invalide",
        "La demande n'a pas pu être traitée. Rechargez la page et réessayez.",
    ),
    403: ("Accès refusé", "Votre compte ne permet pas d'accéder à cette page ou à cette action."),
    404: ("Page introuvable", "Cette page n'existe pas, ou vous n'y avez pas accès."),
    405: ("Méthode non autorisée", "Cette adresse ne s'utilise pas de cette façon."),
    409: (
        "Modification concurrente",
        "Quelqu'un a modifié cet élément pendant que vous le consultiez. "
        "Rechargez la page pour voir la dernière version, puis recommencez.",
    ),
    410: ("Fichier expiré", "Ce fichier a expiré et a été supprimé."),
    413: (
        "Fichier trop volumineux",
        "Le fichier ou le formulaire envoyé dépasse la taille autorisée.",
    ),
    429: (
        "Trop de tentatives",
        "Trop de tentatives en peu de temps. Patientez quelques minutes avant de réessayer.",
    ),
    500: (
        "Erreur du serveur",
        "Une erreur inattendue s'est produite. Elle a été enregistrée ; réessayez plus tard.",
    ),
}
CSRF_MESSAGE = (
    "Le formulaire a expiré ou son jeton de sécurité est absent. Rechargez la page et recommencez."
)


def render_error(code: int, message: str | None = None):
    """The error page (or htmx fragment retargeted to ``#alerts``) for an HTTP code."""
    title, default = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    if code == 409 and message:
        # A view's own 409 explains a refusal in the current state (a reviewed declaration,
        # a transition the workflow forbids); the default one is a concurrent change.
        title = "Action impossible"
    context = {"code": code, "title": title, "message": message or default}
    if is_htmx():
        body = render_template("errors/_fragment.html", **context)
        return retarget(make_response(body, code), "#alerts")
    return make_response(render_template("errors/page.html", **context), code)


UNTRUSTED_HOST_PAGE = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
    "<title>Requête invalide – Passerelle</title></head><body><main><h1>Requête invalide</h1>"
    "<p>Cette adresse ne correspond pas au portail Passerelle.</p></main></body></html>"
)


def _http_error(error: HTTPException):
    code = error.code or 500
    if isinstance(error, SecurityError):
        # A Host outside TRUSTED_HOSTS: Flask built no URL adapter for this request, so
        # the usual page (its links, its stylesheet) cannot be rendered.
        return make_response(UNTRUSTED_HOST_PAGE, 400)
    if isinstance(error, CSRFError):
        return render_error(400, CSRF_MESSAGE)
    # Our own aborts carry a French description; Werkzeug's defaults are English.
    custom = error.description if error.description != type(error).description else None
    if code >= 500:
        db.session.rollback()
        custom = None
    else:
        audit.record_refusal(code)  # 403, 409, an out-of-scope 404: the response is unchanged
    return render_error(code, custom)


def _unexpected(error: InternalServerError):
    # Flask has already logged the original exception (and re-raises it under TESTING).
    db.session.rollback()
    return render_error(500)


def register_errors(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _unexpected)
