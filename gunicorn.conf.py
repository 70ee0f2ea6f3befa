"""The production server settings, shared by ``make run``, production and the benchmark
(``tests/benchmarks/bench_serve.py``): ``gunicorn -c gunicorn.conf.py wsgi:app``.

One worker process with eight threads: the portal waits on its database most of the time,
threads share one process's memory, and the login throttling's default ``memory://``
storage stays exact within a single worker (several workers need Redis, see the README).
"""

import os

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = 1
threads = 8
accesslog = "-"  # the access log goes to stdout (journald, docker logs…)

# `make run` (PORTAL_EMBEDDED_WORKER=1): gunicorn starts the exports' worker beside itself
# (`flask jobs-worker`, portal/jobs/) once it is ready and stops
# it on exit. Production runs `flask jobs-worker` as its own service (README, deployment).
EMBEDDED_WORKER = os.environ.get("PORTAL_EMBEDDED_WORKER") == "1"
_jobs_worker = None


def _start_jobs_worker(server):
    import subprocess
    import sys
    from pathlib import Path

    global _jobs_worker
    flask = Path(sys.executable).with_name("flask")
    command = (
        [str(flask), "jobs-worker"]
        if flask.exists()
        else [sys.executable, "-m", "flask", "jobs-worker"]
    )
    _jobs_worker = subprocess.Popen(command, env={**os.environ, "FLASK_APP": "wsgi.py"})  # noqa: S603
    server.log.info("jobs worker started (pid %s)", _jobs_worker.pid)


def when_ready(server):
    if EMBEDDED_WORKER:
        _start_jobs_worker(server)


def on_reload(server):
    if EMBEDDED_WORKER:
        _stop_jobs_worker(server)
        _start_jobs_worker(server)


def _stop_jobs_worker(server):
    global _jobs_worker
    if _jobs_worker is not None and _jobs_worker.poll() is None:
        _jobs_worker.terminate()
        try:
            _jobs_worker.wait(timeout=10)
        except Exception:
            _jobs_worker.kill()
        server.log.info("jobs worker stopped")
    _jobs_worker = None


def on_exit(server):
    if EMBEDDED_WORKER:
        _stop_jobs_worker(server)
