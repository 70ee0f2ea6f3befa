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
