"""The statements' pages (blueprint ``statements``, URLs ``/releves/…``; docs/domain.md §7).

A structure (or the AMOI on its behalf) uploads its monthly file: the page previews each
line, matched to a placement or with its French error, and stores nothing; the file waits
on the server (:mod:`portal.statements.uploads`) until the user confirms, and is read and
matched again then. The blueprint lives here rather than in the package's ``__init__``,
which stays pure like the reader and the templates (tests/statements/test_purity.py).
"""

from __future__ import annotations

from decimal import Decimal

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal import audit
from portal.access import Role, allow, get_or_404, is_facilitator, scoped
from portal.extensions import db
from portal.french import quantity
from portal.models import HourLine, HourStatement, Lot, Organisation, OrgKind, Placement
from portal.models.base import utcnow
from portal.statements import services, template, uploads
from portal.statements.forms import ConfirmForm, UploadForm
from portal.statements.reader import Limits, UnreadableFile, read_statement
from portal.web.pagination import paginate

bp = Blueprint("statements", __name__)

from portal.statements import access  # noqa: E402
from portal.statements.access import can_upload_statement  # noqa: E402

READERS = (Role.FACILITATOR, Role.COMPANY, Role.STRUCTURE)
UPLOADERS = (Role.FACILITATOR, Role.STRUCTURE)
FORMATS = {
    "csv": ("text/csv; charset=utf-8", template.template_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        template.template_xlsx,
    ),
}
assert access  # the scope rules are registered on import


@bp.route("/releves/")
@allow(*READERS)
def index():
    """The statements of the user's organisation (the AMOI: all), latest month first."""
    stmt = (
        scoped(HourStatement)
        .options(joinedload(HourStatement.organisation), joinedload(HourStatement.submitted_by))
        .order_by(HourStatement.month.desc(), HourStatement.id.desc())
    )
    page = paginate(stmt)
    counts = services.line_counts([statement.id for statement in page.items])
    return render_template(
        "statements/index.html",
        page=page,
        counts=counts,
        amoi=is_facilitator(g.user),
        can_upload=can_upload_statement(g.user),
    )


@bp.route("/releves/modele.<fmt>")
@allow(*READERS)
def template_file(fmt: str):
    """The statement template, CSV or XLSX: the columns and one fictitious example line."""
    if fmt not in FORMATS:
        abort(404)
    mimetype, build = FORMATS[fmt]
    response = Response(build(), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="modele-releve-heures.{fmt}"'
    return response


def _structures() -> list[Organisation]:
    return list(
        db.session.scalars(
            scoped(Organisation)
            .where(Organisation.kind == OrgKind.STRUCTURE.value, Organisation.active.is_(True))
            .order_by(Organisation.name)
        )
    )


def _upload_form() -> UploadForm:
    form = UploadForm()
    if is_facilitator(g.user):
        form.organisation.choices = [(0, "Choisissez la structure")] + [
            (org.id, org.name) for org in _structures()
        ]
    return form


def _organisation(raw) -> Organisation | None:
    """The structure the statement is for: the user's own, or the one the AMOI chose."""
    if not is_facilitator(g.user):
        return g.user.organisation
    try:
        org_id = int(raw or 0)
    except (TypeError, ValueError):
        return None
    if org_id <= 0:
        return None
    organisation = get_or_404(Organisation, org_id)
    if organisation.kind != OrgKind.STRUCTURE.value:
        abort(404)
    return organisation


def _page(form, status: int = 200, **context):
    return (
        render_template(
            "statements/upload.html", form=form, amoi=is_facilitator(g.user), **context
        ),
        status,
    )


def _limits() -> Limits:
    return Limits.from_config(current_app.config)


@bp.route("/releves/depot", methods=["GET", "POST"])
@allow(*UPLOADERS)
def upload():
    """The upload form, and its preview: nothing is stored until the user confirms."""
    form = _upload_form()
    if request.method == "GET":
        return _page(form)
    if not form.validate():
        return _page(form, 422)
    organisation = _organisation(form.organisation.data)
    if organisation is None:
        form.organisation.errors = ["Choisissez la structure dont c'est le relevé."]
        return _page(form, 422)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        form.file.errors = ["Choisissez le fichier du relevé (CSV ou XLSX)."]
        return _page(form, 422)
    limits = _limits()
    data = sent.read(limits.max_bytes + 1)
    try:
        statement = read_statement(data, sent.filename, limits=limits)
    except UnreadableFile as refused:
        form.file.errors = [str(refused)]
        return _page(form, 422)
    result = services.preview(statement, organisation)
    if not result.ok:
        if not result.errors:
            form.file.errors = ["Le fichier ne contient aucune ligne d'heures."]
        return _page(form, 422, result=result, organisation=organisation)
    confirm = ConfirmForm(formdata=None)
    confirm.token.data = uploads.keep(g.user.id, data, sent.filename)
    confirm.organisation.data = str(organisation.id)
    return _page(form, result=result, organisation=organisation, confirm=confirm)


@bp.route("/releves/depot/confirmer", methods=["POST"])
@allow(*UPLOADERS)
def confirm_upload():
    """Store the previewed file: read and matched again, all or nothing."""
    form = ConfirmForm()
    if not form.validate():
        abort(400)
    organisation = _organisation(form.organisation.data)
    if organisation is None:
        abort(404)
    token = form.token.data or ""
    data = uploads.take(g.user.id, token)
    if data is None:
        flash(
            "Le fichier prévisualisé n'est plus disponible (plus d'une heure s'est écoulée) : "
            "déposez-le à nouveau.",
            "error",
        )
        return redirect(url_for("statements.upload"), code=303)
    try:
        statement = read_statement(data, uploads.filename_of(token), limits=_limits())
    except UnreadableFile:  # it was read at the preview: only a new limit refuses it now
        uploads.discard(g.user.id, token)
        abort(409, description="Le fichier n'est plus accepté : déposez-le à nouveau.")
    result = services.preview(statement, organisation)
    if not result.ok:
        uploads.discard(g.user.id, token)
        return _page(_upload_form(), 409, result=result, organisation=organisation)
    try:
        stored = services.submit(result, g.user, utcnow())
        db.session.commit()
    except IntegrityError:  # another upload of the same month was stored meanwhile
        db.session.rollback()
        abort(
            409,
            description="Un autre relevé du même mois vient d'être enregistré pour cette "
            "structure : déposez le fichier à nouveau pour voir ce qu'il remplacera.",
        )
    uploads.discard(g.user.id, token)
    months = ", ".join(f"{statement.month:%m/%Y}" for statement in stored)
    flash(
        f"Le relevé est déposé ({quantity(len(result.lines), 'ligne')}, mois : {months}) ; "
        "l'AMOI va le valider.",
        "success",
    )
    return redirect(url_for("statements.index"), code=303)


@bp.route("/releves/<int:statement_id>")
@allow(*READERS)
def show(statement_id: int):
    """One statement and its lines: each person, lot, hours and status (audited: the page
    shows names)."""
    statement = get_or_404(HourStatement, statement_id)
    lines = db.session.scalars(
        select(HourLine)
        .where(HourLine.statement_id == statement.id)
        .options(
            joinedload(HourLine.placement).joinedload(Placement.participant),
            joinedload(HourLine.placement).joinedload(Placement.lot).joinedload(Lot.market),
        )
        .order_by(HourLine.source_line, HourLine.id)
    ).all()
    audit.record("statement.viewed", statement, actor=g.user)
    db.session.commit()
    return render_template(
        "statements/show.html",
        statement=statement,
        lines=lines,
        total=sum((line.hours for line in lines), Decimal(0)),
        training=sum((line.training_hours for line in lines), Decimal(0)),
        amoi=is_facilitator(g.user),
    )


# the other pages of the same blueprint: the review, the typed grid, the late statements
from portal.statements import grid_views, late_views, review_views  # noqa: E402, F401
