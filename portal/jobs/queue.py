"""The job queue: huey, configured from ``JOBS_URL``.

- unset: huey's SQLite storage in ``instance/jobs-queue.sqlite`` (``make run``: gunicorn
  starts the worker itself, see ``gunicorn.conf.py``);
- ``sqlite:////path/to/queue.sqlite``: the same, elsewhere;
- ``redis://host:6379/0``: Redis (production with several hosts; needs the ``redis``
  extra), the worker run by ``flask jobs-worker`` as a service (README, deployment);
- ``immediate``: every job runs at once inside the request that starts it (tests only).

One huey instance for the process; :func:`configure` gives it the app's storage. The
task :func:`run_job` carries only the job's id: the portal's ``jobs`` table is the
record (status, progress, file), the queue only says « run job 12 ».
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

log = logging.getLogger(__name__)

huey = Huey("passerelle", results=False, utc=True, storage_class=MemoryStorage)
_apps: list[Flask] = []  # the app the worker process built (flask jobs-worker)


def storage_for(url: str | None, instance_path: str):
    """The huey storage named by ``JOBS_URL`` (``None`` for immediate mode)."""
    if url == "immediate":
        return None
    if not url:
        return SqliteStorage("passerelle", filename=str(Path(instance_path) / "jobs-queue.sqlite"))
    if url.startswith("sqlite:///"):
        return SqliteStorage("passerelle", filename=url.removeprefix("sqlite:///"))
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage("passerelle", url=url)
    raise RuntimeError(
        f"JOBS_URL « {url} » n'est pas reconnu : sqlite:///chemin, redis://hôte:port/base "
        "ou immediate."
    )


def configure(app: Flask) -> None:
    storage = storage_for(app.config.get("JOBS_URL"), app.instance_path)
    if storage is None:
        huey.immediate = True
    else:
        huey.immediate = False
        huey.storage = storage
    _apps[:] = [app]


@huey.task(name="run_job")
def run_job(job_id: int) -> None:
    """Run job ``job_id`` in a fresh app context (its own ``g`` and database session), even
    when immediate mode runs it inside the request that started it."""
    from portal.jobs.runner import execute

    app = current_app._get_current_object() if has_app_context() else _apps[0]
    with app.app_context():
        execute(app, job_id)


@huey.periodic_task(crontab(minute="*/15"), name="purge_jobs")
def purge_jobs_task() -> None:
    """The worker purges expired files every quarter of an hour (``flask purge-jobs`` does
    the same from cron)."""
    from portal.extensions import db
    from portal.jobs.services import purge
    from portal.models.base import utcnow

    with _apps[0].app_context():
        count = purge(utcnow())
        db.session.commit()
        if count:
            log.info("purge-jobs: %s expired file(s) deleted", count)


@huey.periodic_task(crontab(minute="5"), name="refresh_progress")
def refresh_progress_task() -> None:
    """Every hour at :05 the worker stores again the lots whose stored progress is of
    another day (after midnight in Paris: all of them, in a few seconds; otherwise none,
    one query). ``flask refresh-progress`` does the same from cron."""
    from portal.clock import today
    from portal.statements.progress_store import refresh_stale

    with _apps[0].app_context():
        count = refresh_stale(today())
        if count:
            log.info("refresh-progress: %s lot(s) stored for the day", count)
