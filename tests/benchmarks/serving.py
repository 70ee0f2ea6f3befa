"""Serving helpers of the benchmark: start gunicorn with ``gunicorn.conf.py`` on a free
port, wait until it answers, read its worker's memory, stop it; log a user in over HTTP
(CSRF token from the login form, session cookie kept by hand); fetch one page.

The session cookie is ``Secure`` in production: an HTTP client on plain http would drop it,
so it is carried as a raw ``Cookie`` header, as wrk sends it.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"  # the virtualenv running the benchmark
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A gunicorn master started by the benchmark (stopped by its own pid, nothing else)."""

    name: str
    port: int
    process: subprocess.Popen
    log: Path
    rss_kib: dict[str, int] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """Children of the master (its worker), from /proc."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the process ended meanwhile
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def memory(self) -> dict[str, int]:
        """The worker's resident memory now and at its peak (KiB, /proc/<pid>/status)."""
        values: dict[str, int] = {}
        for pid in self.worker_pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = values.get(key, 0) + int(rest.split()[0])
        return values

    def cpu_seconds(self) -> float:
        """User + system CPU time of the worker so far (all its threads, /proc/<pid>/stat):
        CPU per request does not depend on how much of the shared machine we were given."""
        ticks = 0
        for pid in self.worker_pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(name: str, app: str, env: dict[str, str], ready_path: str, logs: Path) -> Server:
    """``gunicorn -c gunicorn.conf.py APP`` on a free port (``PORTAL_BIND``), ready."""
    port = free_port()
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    full_env = {**os.environ, **env, "PORTAL_BIND": f"127.0.0.1:{port}"}
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", app],
            cwd=ROOT,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(name, port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} did not start, see {log}:\n{log.read_text()[-2000:]}")
        try:
            if fetch(server.host, ready_path).status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{name} did not answer {ready_path} within 60 s, see {log}")


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    headers: http.client.HTTPMessage
    ms: float


def fetch(
    host: str,
    path: str,
    cookie: str = "",
    headers: dict[str, str] | None = None,
    method: str = "GET",
    body: str | None = None,
) -> Answer:
    conn = http.client.HTTPConnection(host, timeout=60)
    sent = dict(headers or {})
    if cookie:
        sent["Cookie"] = cookie
    if body is not None:
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        started = time.perf_counter()
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        ms = (time.perf_counter() - started) * 1000
        return Answer(response.status, text, response.headers, ms)
    finally:
        conn.close()


def _session_cookie(answer: Answer, previous: str = "") -> str:
    for header in answer.headers.get_all("Set-Cookie") or []:
        pair = header.split(";", 1)[0]
        if pair.startswith("passerelle_session="):
            return pair
    return previous


def login(host: str, email: str, password: str) -> str:
    """Log in through the real form; the ``Cookie`` header value of the session."""
    form = fetch(host, "/connexion")
    token = CSRF.search(form.body)
    if form.status != 200 or token is None:
        raise RuntimeError(f"login form: HTTP {form.status}, CSRF token found: {bool(token)}")
    cookie = _session_cookie(form)
    data = urllib.parse.urlencode({"csrf_token": token[1], "email": email, "password": password})
    answer = fetch(host, "/connexion", cookie, method="POST", body=data)
    if answer.status != 303:
        raise RuntimeError(f"login of {email} answered HTTP {answer.status}, not 303")
    return _session_cookie(answer, cookie)
