"""Background jobs (issue 16): the portal's record of work run outside the request by the
job queue (``portal.jobs``), and of the file it produced.

A job belongs to the user who started it, and to nobody else (not even the AMOI): its
status page and its file answer 404 to anyone but its owner. Its parameters are the
filters of the export (ids, years, statuses, a search text), never personal data. The
file lives outside ``static/`` under a random name, for a limited time (``JOBS_KEEP``),
then the purge deletes it (``flask purge-jobs``, and lazily on access).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.base import UTCDateTime, utcnow


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return JOB_STATUS_LABELS[self]


JOB_STATUS_LABELS = {
    JobStatus.QUEUED: "En attente",
    JobStatus.RUNNING: "En cours",
    JobStatus.DONE: "Prêt",
    JobStatus.FAILED: "Échec",
}


class Job(db.Model):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(40))
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[JobStatus] = mapped_column(String(10), default=JobStatus.QUEUED)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(String(255), default="")
    file_name: Mapped[str] = mapped_column(String(160), default="")
    stored_name: Mapped[str] = mapped_column(String(64), default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    owner = relationship("User")

    @property
    def status_label(self) -> str:
        return JobStatus(self.status).label

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        """Progress from 0 to 100 (100 once done)."""
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)

    def expired(self, now: datetime) -> bool:
        return self.expires_at <= now
