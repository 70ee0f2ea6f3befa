"""Jobs: start one for a user, run it in the worker, purge the expired files.

The view starts a job (:func:`start`), commits, then enqueues it (:func:`enqueue`): the
worker must find the row. The worker (:func:`execute`) marks it running, builds the file
through the kind's function as the job's owner, stores it outside ``static/`` under a
random name, and marks it done (or failed, with a French message). Progress is written
to the row as the function reports it, one short transaction each time.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import select, update

from portal import audit
from portal.extensions import db
from portal.jobs.kinds import KINDS, JobRefused
from portal.models import Job, JobStatus, User
from portal.models.base import utcnow

log = logging.getLogger(__name__)

FAILED_MESSAGE = (
    "Le fichier n'a pas pu être produit. Réessayez ; si l'erreur revient, signalez-la à l'AMOI."
)
PROGRESS_STEP = 0.02  # write the progress when it moved by 2 % of the total at least


def files_dir(app: Flask | None = None) -> Path:
    """Where the jobs' files are stored: ``JOBS_FILES_DIR``, else ``instance/exports``
    (outside ``static/``: never served but through the owner's download URL)."""
    app = app or current_app
    path = Path(app.config.get("JOBS_FILES_DIR") or Path(app.instance_path) / "exports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def keep(app: Flask | None = None) -> timedelta:
    return (app or current_app).config["JOBS_KEEP"]


def start(kind: str, parameters: dict, user: User, now: datetime) -> Job:
    """A queued job of ``kind`` for ``user`` (added to the session; the view commits, then
    calls :func:`enqueue`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown job kind {kind}")
    job = Job(
        owner_id=user.id,
        organisation_id=user.organisation_id,
        kind=kind,
        parameters=parameters,
        status=JobStatus.QUEUED,
        created_at=now,
        expires_at=now + keep(),
    )
    db.session.add(job)
    db.session.flush()
    audit.record("job.started", job, actor=user, detail=f"kind={kind}")
    return job


def enqueue(job: Job) -> None:
    """Hand the job to the queue (after the commit that made it visible)."""
    from portal.jobs.queue import run_job

    run_job(job.id)


def _set(job_id: int, **values) -> None:
    db.session.execute(update(Job).where(Job.id == job_id).values(**values))
    db.session.commit()


def execute(app: Flask, job_id: int) -> None:
    """Run a queued job (in the worker, inside a fresh app context)."""
    job = db.session.get(Job, job_id)
    if job is None or job.status != JobStatus.QUEUED:
        return  # purged, or already taken by another worker
    kind = KINDS.get(job.kind)
    owner = db.session.get(User, job.owner_id)
    _set(job_id, status=JobStatus.RUNNING, started_at=utcnow())
    written = {"done": 0, "total": 0}

    def progress(done: int, total: int) -> None:
        moved = done - written["done"] >= total * PROGRESS_STEP or done >= total
        if total == written["total"] and not moved:
            return
        written.update(done=done, total=total)
        _set(job_id, done=done, total=total)

    query = [(k, v) for k, values in job.parameters.items() for v in _as_list(values)]
    base = app.config.get("PUBLIC_URL") or "http://localhost"
    try:
        if kind is None or owner is None or not owner.is_active:
            raise JobRefused("Cet export n'est plus disponible.")
        with app.test_request_context("/", base_url=base, query_string=query):
            g.user, g.org, g.role = owner, owner.organisation, owner.role
            output = kind.build(progress)
            db.session.commit()  # the export's audit line
        stored = secrets.token_hex(16)
        (files_dir(app) / stored).write_bytes(output.data)
    except JobRefused as refusal:
        db.session.rollback()
        _set(job_id, status=JobStatus.FAILED, error=str(refusal)[:255], finished_at=utcnow())
        return
    except Exception:
        log.exception("job %s (%s) failed", job_id, job.kind)
        db.session.rollback()
        _set(job_id, status=JobStatus.FAILED, error=FAILED_MESSAGE, finished_at=utcnow())
        return
    _set(
        job_id,
        status=JobStatus.DONE,
        file_name=output.file_name,
        stored_name=stored,
        content_type=output.content_type,
        done=max(written["total"], written["done"], 1),
        total=max(written["total"], written["done"], 1),
        finished_at=utcnow(),
    )


def _as_list(values) -> list:
    return values if isinstance(values, list) else [values]


def file_path(job: Job) -> Path | None:
    """The job's file, if it still exists."""
    if not job.stored_name:
        return None
    path = files_dir() / job.stored_name
    return path if path.is_file() else None


def forget_file(job: Job) -> None:
    """Delete the job's file (idempotent); the row stays, for the « fichier expiré » page."""
    if job.stored_name:
        (files_dir() / job.stored_name).unlink(missing_ok=True)
        job.stored_name = ""


ROWS_KEPT_AFTER_EXPIRY = timedelta(days=30)


def purge(now: datetime) -> int:
    """Delete the files of the expired jobs, and the rows expired for more than 30 days;
    the number of files deleted. Idempotent; the caller commits."""
    expired = db.session.scalars(
        select(Job).where(Job.expires_at <= now, Job.stored_name != "")
    ).all()
    for job in expired:
        forget_file(job)
    for job in db.session.scalars(
        select(Job).where(Job.expires_at <= now - ROWS_KEPT_AFTER_EXPIRY)
    ):
        db.session.delete(job)
    return len(expired)


def query_parameters(args, allowed: tuple[str, ...]) -> dict:
    """The filters of a list's query string a job keeps (only the names the export reads:
    ids, years, statuses, a search text; never personal data)."""
    return {name: args.getlist(name) for name in allowed if args.getlist(name)}
