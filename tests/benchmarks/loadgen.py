"""Load generators of the benchmark: ``wrk`` with ``latency.lua`` (installed from apt when
missing), or a bounded Python client (threads with keep-alive connections) when wrk cannot
be had. Both return a :class:`Result`; both stop by themselves (time, and a request cap for
the Python client) and only ever talk to 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import shutil
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).with_name("latency.lua")
MAX_PYTHON_REQUESTS = 200_000
"""Cap of the Python client, whatever the duration (bounded load)."""


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    non2xx: int
    socket_errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    client: str
    cpu_ms: float = 0.0  # the server worker's CPU per request, filled by the caller

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def find_wrk(install: bool = True) -> str | None:
    """The wrk binary; ``apt-get install -y wrk`` once if it is missing and we are root."""
    path = shutil.which("wrk")
    if path or not install or not shutil.which("apt-get"):
        return path
    print("wrk is missing: apt-get install -y wrk …", flush=True)
    done = subprocess.run(
        ["apt-get", "install", "-y", "wrk"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print("  wrk could not be installed: the bounded Python client is used instead")
    return shutil.which("wrk")


def run_wrk(
    wrk: str, host: str, path: str, headers: dict[str, str], connections: int, seconds: int
) -> Result:
    command = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(LUA)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{host}{path}")
    done = subprocess.run(
        command, capture_output=True, text=True, check=False, timeout=seconds + 60
    )
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result for {path}:\n{done.stdout}\n{done.stderr}")
    data = json.loads(line[len("BENCH ") :])
    return Result(
        requests=int(data["requests"]),
        seconds=data["duration_us"] / 1e6,
        non2xx=int(data["non2xx"]),
        socket_errors=int(data["socket_errors"]),
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        client="wrk",
    )


def run_python(
    host: str, path: str, headers: dict[str, str], connections: int, seconds: int
) -> Result:
    """``connections`` threads, each with one keep-alive connection, for ``seconds``."""
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    counts = {"non2xx": 0, "errors": 0, "requests": 0}
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection(host, timeout=10)
        mine: list[float] = []
        bad = errors = 0
        while time.monotonic() < deadline:
            with lock:
                if counts["requests"] >= MAX_PYTHON_REQUESTS:
                    break
                counts["requests"] += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = http.client.HTTPConnection(host, timeout=10)
                continue
            mine.append((time.perf_counter() - started) * 1000)
            bad += not 200 <= response.status < 300
        conn.close()
        with lock:
            latencies.extend(mine)
            counts["non2xx"] += bad
            counts["errors"] += errors

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return Result(
        requests=len(latencies),
        seconds=elapsed,
        non2xx=counts["non2xx"],
        socket_errors=counts["errors"],
        p50_ms=cuts[49],
        p95_ms=cuts[94],
        p99_ms=cuts[98],
        client="python",
    )


def drive(
    wrk: str | None,
    host: str,
    path: str,
    headers: dict[str, str],
    connections: int,
    seconds: int,
) -> Result:
    if wrk:
        return run_wrk(wrk, host, path, headers, connections, seconds)
    return run_python(host, path, headers, connections, seconds)
