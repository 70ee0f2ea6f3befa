"""The one way to act on an object (issue 14): every state-changing view on an existing
object goes through :func:`object_action`.

1. load the object in the user's scope (``access.get_or_404``: another organisation's
   object answers 404);
2. on a POST, check the version the form carried against the row's (``version`` hidden
   field; the models carry a SQLAlchemy ``version_id_col``): a stale page answers 409;
3. run the view, which calls the services (they change the session, never commit);
4. commit — all or nothing;
5. a refusal of the rules (``portal.refusals.Refused``, ``TransitionNotAllowed``) becomes a
   409 with its French reason, a concurrent write (``StaleDataError``) the 409 that says
   who changed the object and when.

E-mails are queued by the services and notifications (``portal.documents.mail.queue``):
they leave with the commit and never when the action is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn

from flask import abort, request
from sqlalchemy.orm.exc import StaleDataError

from portal.access import get_or_404
from portal.extensions import db
from portal.formatting import moment
from portal.refusals import Refused
from portal.rules.workflow import TransitionNotAllowed
from portal.web.params import parse_int

VERSION_FIELD = "version"


def describe(obj: Any) -> str:
    """« Ce devis », « Cette opération »…: the object as the 409 messages name it."""
    return getattr(obj, "NOUN", "Cet élément")


def stale(obj: Any) -> NoReturn:
    """409: someone else changed ``obj`` since the user loaded the page."""
    db.session.rollback()  # expires ``obj``: the lines below read its current state
    changed_by = getattr(obj, "last_changed_by", None)
    who = changed_by.name if changed_by is not None else "un autre utilisateur"
    when = moment(obj.updated_at) if getattr(obj, "updated_at", None) else ""
    text = f"{describe(obj)} a été modifié{'e' if getattr(obj, 'FEMININE', False) else ''}"
    text += f" par {who}" + (f" le {when}" if when else "")
    text += " pendant que vous le consultiez"
    label = getattr(obj, "status_label", None)
    if label:
        text += f" : {getattr(obj, 'PRONOUN', 'il')} est maintenant « {label} »"
    abort(409, description=text + ". Rechargez la page pour voir sa dernière version.")


def check_version(obj: Any) -> None:
    """On a POST, the version the form carried must be the row's."""
    if request.method == "POST" and parse_int(request.form.get(VERSION_FIELD)) != obj.version:
        stale(obj)


def refusal_message(obj: Any, refused: Exception) -> str:
    if isinstance(refused, TransitionNotAllowed):
        label = getattr(obj, "status_label", "")
        state = f" : {getattr(obj, 'PRONOUN', 'il')} est « {label} »" if label else ""
        return f"Cette action n'est pas possible{state}."
    return str(refused)


def perform(obj: Any, call: Callable[[], Any]) -> Any:
    """Steps 3 to 5 for ``obj`` already loaded and version-checked: run ``call``, commit,
    turn refusals and concurrent writes into 409s."""
    try:
        response = call()
        db.session.commit()
    except StaleDataError:
        stale(obj)
    except (Refused, TransitionNotAllowed) as refused:
        db.session.rollback()
        abort(409, description=refusal_message(obj, refused))
    return response


def object_action(model: type, *, id_arg: str | None = None) -> Callable:
    """Decorate a view ``view(obj, **other_url_args)`` acting on one ``model`` row whose id
    is the URL argument ``id_arg`` (default: ``<model name in snake case>_id``)."""
    name = id_arg or _id_arg(model)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(**kwargs):
            obj = get_or_404(model, kwargs.pop(name))
            check_version(obj)
            return perform(obj, lambda: view(obj, **kwargs))

        return wrapper

    return decorator


def _id_arg(model: type) -> str:
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in model.__name__).lstrip("_")
    return f"{snake}_id"
