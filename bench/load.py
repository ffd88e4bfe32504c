"""The load generator: wrk (C, epoll) in its own process, driven by wrk/ses.lua."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SCRIPT = Path(__file__).parent / "wrk" / "ses.lua"
CONNECTIONS = 16


@dataclass(frozen=True, slots=True)
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    status_errors: int
    socket_errors: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def ensure_wrk() -> str:
    """Install Debian's wrk when it is missing (needs root, as on this project's machines)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("wrk is not installed: run `sudo apt-get install -y wrk` first")
    print("installing wrk with apt-get ...", flush=True)
    subprocess.run(["apt-get", "update"], stdout=subprocess.DEVNULL, check=True)
    subprocess.run(["apt-get", "install", "-y", "wrk"], stdout=subprocess.DEVNULL, check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("apt-get did not install wrk")
    return found


def run(url: str, scenario: str, seconds: float, **params: str) -> Result:
    """Load ``url`` with one scenario at 16 connections, one wrk thread per connection (so a
    Create+Delete pair never races on two connections)."""
    env = {**os.environ, "BENCH_SCENARIO": scenario}
    env.update({f"BENCH_{key.upper()}": value for key, value in params.items()})
    command = [
        ensure_wrk(),
        f"-t{CONNECTIONS}",
        f"-c{CONNECTIONS}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(SCRIPT),
        url,
    ]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            data = json.loads(line.removeprefix("BENCH_RESULT "))
            return Result(
                requests=data["requests"],
                seconds=data["duration_us"] / 1e6,
                p50_ms=data["p50_us"] / 1000,
                p99_ms=data["p99_us"] / 1000,
                status_errors=data["status_errors"],
                socket_errors=data["socket_errors"],
            )
    raise RuntimeError(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")
