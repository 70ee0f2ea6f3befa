"""Jobs (issue 16): an export button starts a job; its page follows the progress and offers
the file to its owner only, for a limited time; the queue really runs jobs (SQLite storage
and huey's consumer), not only in the tests' immediate mode."""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db as _db
from portal.jobs import queue, runner, services
from portal.jobs.kinds import KINDS, JobKind, JobRefused
from portal.models import AuditEvent, Job, JobStatus, OrgKind
from portal.models.base import utcnow
from tests.conftest import HTMX, text_of
from tests.factories import make_lot, make_market, make_operation, make_org, make_user
from tests.jobs.builders import make_job


def _lots_world():
    buyer = make_org(OrgKind.BUYER, name="Commune d'Alpha")
    company = make_org(OrgKind.COMPANY)
    market = make_market(make_operation(buyer, name="École Jules Ferry"))
    make_lot(market, holder=company, title="Gros œuvre de l'école")
    make_lot(market, holder=make_org(), title="Lot d'un concurrent")
    return buyer, company


def _job_id(response) -> int:
    assert response.status_code == 303, response.status_code
    match = re.fullmatch(r"/exports/(\d+)", response.location)
    assert match, response.location
    return int(match.group(1))


def test_the_export_button_starts_a_job_whose_owner_downloads_the_file(login_as, db):
    _buyer, company = _lots_world()
    user = make_user(company)
    client = login_as(user)
    job_id = _job_id(client.post_form("/lots/export.csv?q=école&statut=zzz&intrus=1"))
    job = db.session.get(Job, job_id)
    assert (job.owner_id, job.organisation_id, job.kind) == (user.id, company.id, "lots.csv")
    assert job.parameters == {"q": ["école"], "statut": ["zzz"]}  # the list's filters only
    assert job.status == JobStatus.DONE and job.finished_at is not None
    assert job.expires_at - job.finished_at == timedelta(hours=24)  # from when it is ready
    assert job.stored_name and job.stored_name not in job.file_name

    page = client.get(f"/exports/{job_id}")
    assert page.status_code == 200
    assert "le fichier est prêt" in text_of(page)
    assert f'href="/exports/{job_id}/fichier"' in page.get_data(as_text=True)

    download = client.get(f"/exports/{job_id}/fichier")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert download.headers["Cache-Control"] == "no-store"
    assert f'filename="{job.file_name}"' in download.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.get_data().decode("utf-8-sig")), delimiter=";"))
    assert [r[6] for r in rows[1:]] == ["Gros œuvre de l'école"]  # its scope, its filter

    started = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "job.started"))
    assert [(e.actor_id, e.object_id, e.detail) for e in started] == [
        (user.id, str(job_id), "kind=lots.csv")
    ]


def test_the_job_page_polls_until_done_and_works_without_javascript(login_as, db):
    _buyer, company = _lots_world()
    user = make_user(company)
    client = login_as(user)
    job = make_job(user, "lots.xlsx", run=False)

    page = client.get(f"/exports/{job.id}")
    html = page.get_data(as_text=True)
    assert "En attente" in text_of(page)
    assert 'hx-trigger="every 1s"' in html and 'aria-live="polite"' in html
    # Without JavaScript: a link to the same page (no timed meta refresh: WCAG 2.2.1).
    assert f'<a href="/exports/{job.id}">Rafraîchir</a>' in html
    assert "/fichier" not in html

    job.status, job.done, job.total = JobStatus.RUNNING, 42, 100
    db.session.commit()
    fragment = client.get(f"/exports/{job.id}", headers=HTMX)
    assert fragment.status_code == 200  # htmx keeps polling
    assert "<html" not in fragment.get_data(as_text=True)
    assert "42 %" in text_of(fragment) and "42 sur 100 lignes" in text_of(fragment)
    assert client.get(f"/exports/{job.id}/fichier").location == f"/exports/{job.id}"

    job.status = JobStatus.QUEUED
    db.session.commit()
    services.enqueue(job)
    fragment = client.get(f"/exports/{job.id}", headers=HTMX)
    assert fragment.status_code == 286  # htmx stops polling, and shows the link
    assert f"/exports/{job.id}/fichier" in fragment.get_data(as_text=True)
    page = client.get(f"/exports/{job.id}").get_data(as_text=True)
    assert "every 1s" not in page and "Rafraîchir" not in page


def test_progress_is_written_as_the_export_goes(app, db, monkeypatch):
    user = make_user(make_org())
    seen = []

    def build(progress):
        for done in (0, 1, 2, 50, 100):
            progress(done, 100)
            seen.append(db.session.execute(select(Job.done, Job.total)).one())
        raise JobRefused("Aucun lot ne correspond à ces filtres.")

    monkeypatch.setitem(KINDS, "test.kind", JobKind("test.kind", "Essai", build))
    job = make_job(user, "test.kind")
    assert seen == [(0, 100), (0, 100), (2, 100), (50, 100), (100, 100)]  # every 2 % or more
    assert job.status == JobStatus.FAILED
    assert job.error == "Aucun lot ne correspond à ces filtres."


def test_a_failed_job_says_so_in_french(login_as, db, monkeypatch):
    user = make_user(make_org())

    def build(progress):
        raise RuntimeError("disk full")

    monkeypatch.setitem(KINDS, "test.kind", JobKind("test.kind", "Essai", build))
    job = make_job(user, "test.kind")
    assert job.status == JobStatus.FAILED and job.stored_name == ""
    page = login_as(user).get(f"/exports/{job.id}")
    assert "Échec" in text_of(page)
    assert runner.FAILED_MESSAGE in text_of(page)
    assert "disk full" not in page.get_data(as_text=True)


def test_only_the_owner_reaches_a_job_even_the_amoi_gets_404(login_as, db):
    _buyer, company = _lots_world()
    owner = make_user(company)
    job = make_job(owner)
    others = [
        make_user(company),  # a colleague
        make_user(make_org(OrgKind.FACILITATOR), is_admin=True),  # the AMOI
        make_user(make_org()),  # another company
    ]
    for user in others:
        client = login_as(user)
        assert client.get(f"/exports/{job.id}").status_code == 404
        assert client.get(f"/exports/{job.id}/fichier").status_code == 404
        assert "/exports/" + str(job.id) not in client.get("/exports/").get_data(as_text=True)
    mine = login_as(owner).get("/exports/")
    assert f"/exports/{job.id}/fichier" in mine.get_data(as_text=True)
    assert "Lots (CSV pour Excel)" in text_of(mine)


def test_an_expired_file_answers_410_and_is_deleted_on_access(login_as, db, app):
    user = make_user(make_org())
    job = make_job(user)
    path = services.files_dir(app) / job.stored_name
    assert path.is_file()
    job.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    client = login_as(user)
    for url in (f"/exports/{job.id}/fichier", f"/exports/{job.id}"):
        response = client.get(url)
        assert response.status_code == 410
        assert "Fichier expiré" in text_of(response)
        assert "conservés 24 heures" in text_of(response)
    assert not path.exists()
    db.session.expire_all()
    assert db.session.get(Job, job.id).stored_name == ""
    assert "Expiré" in text_of(client.get("/exports/"))


def test_purge_jobs_deletes_expired_files_and_is_idempotent(app, db):
    user = make_user(make_org())
    expired, kept, old = make_job(user), make_job(user), make_job(user)
    files = {job.id: services.files_dir(app) / job.stored_name for job in (expired, kept, old)}
    expired.expires_at = utcnow() - timedelta(minutes=1)
    old.expires_at = utcnow() - timedelta(days=31)
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["purge-jobs"])
    assert result.exit_code == 0 and "2 fichiers expirés supprimés." in result.output
    assert not files[expired.id].exists() and not files[old.id].exists()
    assert files[kept.id].is_file()
    db.session.expire_all()
    assert db.session.get(Job, old.id) is None  # rows go 30 days after expiry
    assert db.session.get(Job, expired.id).stored_name == ""
    again = runner.invoke(args=["purge-jobs"])
    assert again.exit_code == 0 and "0 fichier expiré supprimé." in again.output


def test_purge_fails_the_jobs_a_stopped_worker_left_behind(app, db):
    user = make_user(make_org())
    stalled, recent = make_job(user, run=False), make_job(user, run=False)
    stalled.created_at = utcnow() - timedelta(hours=3)
    db.session.commit()
    assert app.test_cli_runner().invoke(args=["purge-jobs"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Job, stalled.id).status == JobStatus.FAILED
    assert db.session.get(Job, stalled.id).error == services.STALLED_MESSAGE
    assert db.session.get(Job, recent.id).status == JobStatus.QUEUED


@pytest.fixture
def sqlite_queue(app, tmp_path):
    """The real queue: huey's SQLite storage in a file, as ``make run`` uses it."""
    app.config["JOBS_URL"] = f"sqlite:///{tmp_path / 'queue.sqlite'}"
    queue.configure(app)
    assert not queue.huey.immediate
    yield queue.huey
    app.config["JOBS_URL"] = "immediate"
    queue.configure(app)


def test_the_sqlite_queue_and_the_consumer_run_a_job(login_as, db, sqlite_queue):
    _buyer, company = _lots_world()
    user = make_user(company)
    client = login_as(user)
    job_id = _job_id(client.post_form("/lots/export.xlsx"))
    assert db.session.get(Job, job_id).status == JobStatus.QUEUED
    assert sqlite_queue.pending_count() == 1
    assert "En attente" in text_of(client.get(f"/exports/{job_id}"))

    consumer = sqlite_queue.create_consumer(workers=1, worker_type="thread", periodic=False)
    consumer.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            db.session.expire_all()
            if db.session.get(Job, job_id).finished:
                break
            time.sleep(0.1)
    finally:
        consumer.stop(graceful=True)
    job = db.session.get(Job, job_id)
    assert job.status == JobStatus.DONE, job.error
    assert sqlite_queue.pending_count() == 0
    download = client.get(f"/exports/{job_id}/fichier")
    assert download.status_code == 200
    assert download.get_data()[:2] == b"PK"  # an XLSX archive
    assert job.file_name.endswith(".xlsx")


def test_the_queue_is_chosen_by_jobs_url(tmp_path):
    from huey.storage import RedisStorage, SqliteStorage

    assert queue.storage_for("immediate", str(tmp_path)) is None
    default = queue.storage_for(None, str(tmp_path))
    assert isinstance(default, SqliteStorage)
    assert default.filename == str(tmp_path / "jobs-queue.sqlite")
    assert isinstance(queue.storage_for("redis://localhost:6379/0", str(tmp_path)), RedisStorage)
    with pytest.raises(RuntimeError, match="JOBS_URL"):
        queue.storage_for("amqp://localhost", str(tmp_path))


def test_jobs_files_are_stored_outside_static(app):
    static = (app.root_path + "/../static").replace("portal/../", "")
    assert not str(services.files_dir(app).resolve()).startswith(static)
    assert _db  # the models are registered
