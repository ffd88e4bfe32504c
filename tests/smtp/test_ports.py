"""A busy SMTP port stops ``openses serve`` with one line naming the setting."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    "variable", ["OPENSES_SMTP_PORT", "OPENSES_SMTPS_PORT", "OPENSES_INBOUND_SMTP_PORT"]
)
def test_a_busy_smtp_port_is_one_line_naming_the_setting(tmp_path: Path, variable: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {
            **os.environ,
            "OPENSES_DATABASE_URL": f"sqlite:///{tmp_path}/openses.db",
            "OPENSES_PORT": "0",
            "OPENSES_SMTP_PORT": "0",
            "OPENSES_SMTPS_PORT": "0",
            variable: str(port),
        }
        done = subprocess.run(
            [sys.executable, "-m", "openses", "serve"], env=env, capture_output=True, timeout=60
        )
    errors = [line for line in done.stderr.decode().splitlines() if line.startswith("Error:")]
    assert (done.returncode, errors) == (
        1,
        [f"Error: {variable}={port}: the port is already in use"],
    )
    assert "Traceback" not in done.stderr.decode()
