"""« Mes exports »: the status page of a job (polled by htmx until the file is ready),
its download, and the list of the user's jobs.

Scope: a job is its owner's and nobody else's, not even the AMOI's (a job's file is an
export made with its owner's scope). Anyone else gets the 404 of an unknown id. An
expired job answers 410 « Fichier expiré » (its file deleted at that moment, if the
purge has not run yet).
"""

from __future__ import annotations

from flask import abort, g, make_response, redirect, render_template, url_for
from sqlalchemy import select

from portal import audit
from portal.access import Role, allow
from portal.documents.spreadsheets import download
from portal.extensions import db
from portal.jobs import bp, services
from portal.jobs.kinds import label_of
from portal.models import Job, JobStatus
from portal.models.base import utcnow
from portal.web.htmx import is_htmx

LISTED = 50
EXPIRED_MESSAGE = (
    "Le fichier de cet export a expiré : les fichiers sont conservés {keep}. "
    "Relancez l'export depuis la liste."
)
STOP_POLLING = 286  # htmx stops polling on this status, and swaps the content


def owned_or_404(job_id: int) -> Job:
    """The user's own job, else 404 (an existing job of someone else is noted for the audit
    trail, as ``get_or_404`` does)."""
    job = db.session.scalar(select(Job).where(Job.id == job_id, Job.owner_id == g.user.id))
    if job is None:
        if db.session.scalar(select(Job.id).where(Job.id == job_id)) is not None:
            audit.note_refusal("access.out_of_scope", "Job", job_id)
        abort(404)
    return job


def _keep_label() -> str:
    hours = int(services.keep().total_seconds() // 3600)
    if hours and hours % 24 == 0:
        days = hours // 24
        return "24 heures" if days == 1 else f"{days} jours"
    return f"{hours} heure{'s' if hours > 1 else ''}" if hours else "moins d'une heure"


def _unless_expired(job: Job) -> None:
    if job.expired(utcnow()):
        if job.stored_name:
            services.forget_file(job)  # the purge, lazily
            db.session.commit()
        abort(410, description=EXPIRED_MESSAGE.format(keep=_keep_label()))


def start_response(kind: str, parameters: dict):
    """Start a job for the current user and send them to its status page (the views of the
    areas call this from their POST export routes)."""
    job = services.start(kind, parameters, g.user, utcnow())
    db.session.commit()
    services.enqueue(job)
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


@bp.route("/exports/")
@allow(*Role)
def index():
    jobs = db.session.scalars(
        select(Job).where(Job.owner_id == g.user.id).order_by(Job.id.desc()).limit(LISTED)
    ).all()
    return render_template(
        "jobs/index.html", jobs=jobs, label_of=label_of, now=utcnow(), keep=_keep_label()
    )


@bp.route("/exports/<int:job_id>")
@allow(*Role)
def show(job_id: int):
    job = owned_or_404(job_id)
    _unless_expired(job)
    context = {"job": job, "label": label_of(job.kind), "keep": _keep_label()}
    if is_htmx():
        response = make_response(render_template("jobs/_partials/_panel.html", **context))
        if job.finished:
            response.status_code = STOP_POLLING
        return response
    return render_template("jobs/show.html", **context)


@bp.route("/exports/<int:job_id>/fichier")
@allow(*Role)
def file(job_id: int):
    job = owned_or_404(job_id)
    _unless_expired(job)
    if job.status != JobStatus.DONE:
        return redirect(url_for("jobs.show", job_id=job.id), code=303)
    path = services.file_path(job)
    if path is None:  # deleted by hand, or by a purge racing this request
        abort(410, description=EXPIRED_MESSAGE.format(keep=_keep_label()))
    return download(path.read_bytes(), job.file_name, job.content_type)
