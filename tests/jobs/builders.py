"""Jobs for the tests: a real export run through the job mechanism."""

from __future__ import annotations

from portal.extensions import db
from portal.jobs import services
from portal.models import Job
from portal.models.base import utcnow


def make_job(user, kind: str = "lots.csv", parameters: dict | None = None, *, run: bool = True):
    """A job of ``user``, started as the export button does; run at once (the tests'
    queue is immediate) unless ``run`` is False, then left queued."""
    job = services.start(kind, parameters or {}, user, utcnow())
    db.session.commit()
    if run:
        services.enqueue(job)
    db.session.expire_all()
    return db.session.get(Job, job.id)
