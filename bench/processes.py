"""The processes under test, each on its own free loopback port: openses, moto's server and
the static responder. Every process started here is stopped by the context manager that
started it."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

VENV_BIN = Path(sys.executable).parent


@dataclass(frozen=True, slots=True)
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]

    def rss_mb(self) -> float:
        """Resident set size of the server process, from /proc."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmRSS for {self.name}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def openses(
    database_url: str,
    aws_endpoint_url: str,
    log_path: Path,
    extra: dict[str, str] | None = None,
) -> Iterator[Server]:
    """``openses serve`` as shipped, with room for the 50,000-set scale run and the moto
    peer as its AWS (event destinations)."""
    port = free_port()
    env = {
        **os.environ,
        "OPENSES_MAX_CONFIGURATION_SETS": "100000",
        "OPENSES_AWS_ENDPOINT_URL": aws_endpoint_url,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        # off the fixed SMTP ports, which another openses on the machine may hold; the SMTP
        # step (bench/smtp_submit.py) names a free one
        "OPENSES_SMTP_PORT": "0",
        "OPENSES_SMTPS_PORT": "0",
        **(extra or {}),
    }
    command = [
        str(VENV_BIN / "openses"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--database",
        database_url,
    ]
    with _running("openses", command, env, f"http://127.0.0.1:{port}", "/health", log_path) as s:
        yield s


@contextlib.contextmanager
def moto(log_path: Path) -> Iterator[Server]:
    port = free_port()
    env = {**os.environ, "MOTO_PORT": str(port)}
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    url = f"http://127.0.0.1:{port}"
    with _running("moto", command, env, url, "/moto-api/data.json", log_path) as server:
        yield server


@contextlib.contextmanager
def static_responder() -> Iterator[Server]:
    port = free_port()
    command = [sys.executable, "-m", "bench.static_server", str(port)]
    with _running("static", command, dict(os.environ), f"http://127.0.0.1:{port}", "/", None) as s:
        yield s


@contextlib.contextmanager
def bare_uvicorn() -> Iterator[Server]:
    """uvicorn as ``openses serve`` runs it, serving bench/bare_asgi.py."""
    port = free_port()
    command = [
        str(VENV_BIN / "uvicorn"),
        "bench.bare_asgi:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    url = f"http://127.0.0.1:{port}"
    with _running("bare uvicorn", command, dict(os.environ), url, "/", None) as server:
        yield server


@contextlib.contextmanager
def _running(
    name: str,
    command: list[str],
    env: dict[str, str],
    url: str,
    probe: str,
    log_path: Path | None,
) -> Iterator[Server]:
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    cwd = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=log)
    try:
        _wait_ready(name, url + probe, process)
        yield Server(name, url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if not isinstance(log, int):
            log.close()


def _wait_ready(name: str, url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited at start-up")
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(url, timeout=2) as response,
        ):
            if response.status == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not start within 60 s")
