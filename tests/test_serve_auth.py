"""``openses serve`` and authentication (issue 18): a warning when open mode listens beyond
loopback, strict mode's refusals at start-up, and strict mode running as its own process."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner

from openses.cli import main
from tests.support import CLIENT_CONFIG, free_port, serve_process

OPEN_WARNING = (
    "listening on 0.0.0.0 in open mode: anyone who reaches this address can use any account, "
    "with any signature, and send over SMTP with any password; set OPENSES_AUTH=strict "
    "(README, Security)"
)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=30)


def test_open_mode_beyond_loopback_warns_at_start_up(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    env = {"OPENSES_HOST": "0.0.0.0", "OPENSES_DATABASE_URL": f"sqlite:///{tmp_path}/o.db"}
    process = serve_process(env, free_port(), log)
    stop(process)
    warnings = [line for line in log.read_text().splitlines() if " WARNING openses " in line]
    # (the dashboard's warning about OPENSES_ADMIN_TOKEN comes too: tests/dashboard)
    assert OPEN_WARNING in [line.split(" WARNING openses ", 1)[1] for line in warnings]


def test_strict_mode_serves_only_known_keys_and_does_not_warn(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    port = free_port()
    env = {
        "OPENSES_DATABASE_URL": f"sqlite:///{tmp_path}/s.db",
        "OPENSES_AUTH": "strict",
        "OPENSES_ADMIN_TOKEN": "admin",
        "OPENSES_ACCESS_KEYS": "AKIAKNOWN:known-secret=111111111111,AKIABARE=222222222222",
    }
    process = serve_process(env, port, log)
    try:

        def client(key: str, secret: str) -> object:
            return boto3.client(
                "sesv2",
                endpoint_url=f"http://127.0.0.1:{port}",
                region_name="us-east-1",
                aws_access_key_id=key,
                aws_secret_access_key=secret,
                config=CLIENT_CONFIG,
            )

        known = client("AKIAKNOWN", "known-secret")
        assert known.get_account()["SendingEnabled"] is True  # type: ignore[attr-defined]
        with pytest.raises(ClientError) as raised:
            client("123456789012", "anything").get_account()  # type: ignore[attr-defined]
        assert raised.value.response["Error"]["Code"] == "UnrecognizedClientException"
    finally:
        stop(process)
    warnings = [
        line.split(" WARNING openses ", 1)[1]
        for line in log.read_text().splitlines()
        if " WARNING openses " in line
    ]
    assert warnings == ["OPENSES_ACCESS_KEYS without a secret cannot sign in strict mode: AKIABARE"]


def test_strict_mode_does_not_start_when_stored_secrets_cannot_be_opened(tmp_path: Path) -> None:
    env = {"OPENSES_DATABASE_URL": f"sqlite:///{tmp_path}/k.db", "OPENSES_SECRET_KEY": ""}
    runner = CliRunner()
    assert runner.invoke(main, ["migrate"], env=env).exit_code == 0
    made = runner.invoke(main, ["access-keys", "create", "--account", "111111111111"], env=env)
    assert json.loads(made.stdout)["AccessKey"]["Status"] == "Active"
    (tmp_path / "k.db.key").unlink()
    strict = {**env, "OPENSES_AUTH": "strict", "OPENSES_ADMIN_TOKEN": "admin", **_NO_SMTP}
    refused = runner.invoke(main, ["serve"], env=strict)
    assert (refused.exit_code, refused.output) == (
        1,
        f"Error: no key file at {tmp_path}/k.db.key: set OPENSES_SECRET_KEY or restore it\n",
    )
    wrong = runner.invoke(main, ["serve"], env={**strict, "OPENSES_SECRET_KEY": "not it"})
    assert (wrong.exit_code, wrong.output) == (
        1,
        "Error: a stored secret access key does not open with this key: OPENSES_SECRET_KEY "
        "(or the key file) is not the one the key was created with\n",
    )


_NO_SMTP = {"OPENSES_SMTP_PORT": "0", "OPENSES_SMTPS_PORT": "0"}
