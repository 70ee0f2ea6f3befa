"""The life of an htmx form (docs/architecture.md §5).

A field's ``change`` posts the whole form with ``_validate`` set: the server validates
and answers the form (the page keeps only that field's wrapper, via ``hx-select``) and
saves nothing. A real submit saves and redirects, or answers the form with 422.
"""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm

from portal.web.htmx import render

VALIDATE_FLAG = "_validate"


def is_validation_only() -> bool:
    """True when the POST only asks for inline validation of a field."""
    return request.method == "POST" and VALIDATE_FLAG in request.form


def submitted_and_valid(form: FlaskForm) -> bool:
    """Validate on every POST; save only on a real submit."""
    if request.method != "POST":
        return False
    valid = form.validate()
    return valid and not is_validation_only()


def render_form(page: str, partial: str, form: FlaskForm, **context):
    """The form with its errors: 200 for inline validation or a first display, 422 after a
    failed submit (htmx is configured to swap 422)."""
    failed_submit = request.method == "POST" and not is_validation_only() and form.errors
    status = 422 if failed_submit else 200
    if is_validation_only():
        # Errors of fields the user has not reached yet are not shown.
        touched = request.form.get(VALIDATE_FLAG, "")
        for name, field in form._fields.items():
            if name != touched:
                field.errors = []
    return render(page, partial, status=status, form=form, **context)
