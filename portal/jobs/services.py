"""Jobs: start one for a user, find its file, purge the expired files.

The view starts a job (:func:`start`), commits, then enqueues it (:func:`enqueue`): the
worker must find the row. The worker runs it (``portal.jobs.runner``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.jobs.kinds import KINDS
from portal.models import Job, JobStatus, User


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


STALLED_AFTER = timedelta(hours=2)
STALLED_MESSAGE = "L'export a été interrompu avant la fin. Relancez-le depuis la liste."


def purge(now: datetime) -> int:
    """Delete the files of the expired jobs, and the rows expired for more than 30 days;
    mark failed the jobs still queued or running two hours after they started (a worker
    stopped or killed meanwhile); the number of files deleted. Idempotent; the caller
    commits."""
    stalled = select(Job).where(
        Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
        Job.created_at <= now - STALLED_AFTER,
    )
    for job in db.session.scalars(stalled):
        job.status, job.error, job.finished_at = JobStatus.FAILED, STALLED_MESSAGE, now
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
