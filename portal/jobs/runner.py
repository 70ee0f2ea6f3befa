"""Running a job in the worker: mark it running, build the file through its kind as the
job's owner, store it outside ``static/`` under a random name, mark it done (or failed,
with a French message). Progress is written to the row as the kind reports it, one short
transaction each time.

The kind runs in a request context made from the job's parameters (its query string),
with ``g.user``, ``g.org`` and ``g.role`` set to the owner: it reads its filters and goes
through ``scoped(...)`` as the view it replaced did. This module is the worker's
counterpart of the permission gate, not a service.
"""

from __future__ import annotations

import logging
import secrets

from flask import Flask, g
from sqlalchemy import update

from portal.extensions import db
from portal.jobs.kinds import KINDS, JobRefused
from portal.jobs.services import files_dir
from portal.models import Job, JobStatus, User
from portal.models.base import utcnow

log = logging.getLogger(__name__)

FAILED_MESSAGE = (
    "Le fichier n'a pas pu être produit. Réessayez ; si l'erreur revient, signalez-la à l'AMOI."
)
PROGRESS_STEP = 0.02  # write the progress when it moved by 2 % of the total at least


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
    finished = utcnow()
    _set(
        job_id,
        status=JobStatus.DONE,
        expires_at=finished + app.config["JOBS_KEEP"],  # kept that long from when it is ready
        file_name=output.file_name,
        stored_name=stored,
        content_type=output.content_type,
        done=max(written["total"], written["done"], 1),
        total=max(written["total"], written["done"], 1),
        finished_at=finished,
    )


def _as_list(values) -> list:
    return values if isinstance(values, list) else [values]
