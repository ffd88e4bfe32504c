"""``openses serve`` as a user runs it: a real process, the AWS CLI, SIGTERM and restarts."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support import database_url, free_port, unique

OPENSES = [sys.executable, "-m", "openses"]
AWS = [sys.executable, "-m", "awscli"]


def _start(db_url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "OPENSES_DATABASE_URL": db_url, "OPENSES_PORT": str(port)}
    with log.open("ab") as output:
        process = subprocess.Popen(
            [*OPENSES, "serve"], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
        if process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(f"openses serve did not start:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes], log: Path) -> None:
    """SIGTERM shuts down gracefully; uvicorn re-raises the signal once it has finished."""
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) in (0, -signal.SIGTERM)
    assert log.read_text().count("Finished server process") >= 1


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, str(tmp_path)) as url:
        yield url


def _aws(port: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*AWS, *args, "--endpoint-url", f"http://127.0.0.1:{port}", "--output", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_aws_cli_against_serve_survives_restart(db_url: str, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    name = unique("cli")
    process = _start(db_url, port, log)
    try:
        created = _aws(port, "sesv2", "create-configuration-set", "--configuration-set-name", name)
        assert created.returncode == 0, created.stderr
        described = _aws(
            port,
            "ses",
            "describe-configuration-set",
            "--configuration-set-name",
            name,
            "--configuration-set-attribute-names",
            "deliveryOptions",
        )
        assert described.returncode == 0, described.stderr
        assert json.loads(described.stdout) == {
            "ConfigurationSet": {"Name": name},
            "DeliveryOptions": {"TlsPolicy": "Optional"},
        }
    finally:
        _stop(process, log)

    process = _start(db_url, port, log)
    try:
        got = _aws(port, "sesv2", "get-configuration-set", "--configuration-set-name", name)
        assert got.returncode == 0, got.stderr
        assert json.loads(got.stdout)["ConfigurationSetName"] == name
        missing = _aws(port, "sesv2", "get-configuration-set", "--configuration-set-name", "nope")
        assert missing.returncode != 0
        assert "NotFoundException" in missing.stderr
        verified = _aws(port, "ses", "verify-email-identity", "--email-address", "me@example.com")
        assert verified.returncode == 0, verified.stderr
        sent = _aws(
            port,
            "ses",
            "send-email",
            "--from",
            "me@example.com",
            "--to",
            "you@example.net",
            "--subject",
            "from the CLI",
            "--text",
            "hello",
            "--configuration-set-name",
            name,
        )
        assert sent.returncode == 0, sent.stderr
        message_id = json.loads(sent.stdout)["MessageId"]
    finally:
        _stop(process, log)

    listed = subprocess.run(
        [*OPENSES, "messages", "--database", db_url, "--to", "you@example.net"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    header, row = listed.stdout.splitlines()
    assert header.split() == [
        "TIMESTAMP",
        "MESSAGE",
        "ID",
        "FROM",
        "TO",
        "SUBJECT",
        "CONFIGURATION",
        "SET",
        "STATUS",
    ]
    assert row.split()[1:] == [
        message_id,
        "me@example.com",
        "you@example.net",
        "from",
        "the",
        "CLI",
        name,
        "delivered",
    ]


def test_migrate_command(db_url: str) -> None:
    result = subprocess.run(
        [*OPENSES, "migrate", "--database", db_url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "database is up to date\n"
