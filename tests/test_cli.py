"""``openses serve`` as a user runs it: a real process, the AWS CLI, SIGTERM and restarts."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click
import httpx
import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import make_url

from openses.cli import main
from openses.cli_support import DATABASE_HELP
from openses.config import Settings
from openses.store.database import describe_url
from tests.support import POSTGRES_ADMIN_URL, database_url, free_port, serve_in_thread, unique

OPENSES = [sys.executable, "-m", "openses"]
AWS = [sys.executable, "-m", "awscli"]


def _start(db_url: str, port: int, log: Path, cwd: Path | None = None) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "OPENSES_DATABASE_URL": db_url,
        "OPENSES_PORT": str(port),
        "OPENSES_SMTP_PORT": str(free_port()),
        "OPENSES_SMTPS_PORT": str(free_port()),
    }
    with log.open("ab") as output:
        process = subprocess.Popen(
            [*OPENSES, "serve"], env=env, stdout=output, stderr=subprocess.STDOUT, cwd=cwd
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
    shown = describe_url(db_url)
    assert result.stdout == f"database is up to date: {shown}\n"


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    """``openses ARGS`` in-process, stdout and stderr apart."""
    return CliRunner().invoke(main, list(args), env=env)


def test_version() -> None:
    version = importlib.metadata.version("openses")
    result = run("--version")
    assert (result.exit_code, result.stdout) == (0, f"openses {version}\n")
    process = subprocess.run(
        [*OPENSES, "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert (process.returncode, process.stdout, process.stderr) == (0, f"openses {version}\n", "")


def _commands(
    group: click.Group, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, click.Command]]:
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))
        else:
            yield " ".join((*prefix, name)), command


def test_database_option_is_the_same_everywhere() -> None:
    found = {
        name: [(o.opts, o.metavar, o.help) for o in command.params if "--database" in o.opts]
        for name, command in _commands(main)
    }
    option = [(["--database"], "URL", DATABASE_HELP)]
    assert found == {
        "serve": option,
        "migrate": option,
        "messages": option,
        "worker": option,
        "dead-letters list": option,
        "dead-letters retry": option,
        "tracking rotate-key": option,
        "tracking keys": option,
        "access-keys create": option,
        "access-keys list": option,
        "access-keys delete": option,
        "access-keys attach-policy": option,
        "access-keys smtp-password": option,
        "account grant-production": option,
    }


UNUSABLE_URLS = [
    (
        "postgresql+asyncpg://postgres@127.0.0.1:5432/test",
        "openses does not take postgresql+asyncpg:// database URLs; use sqlite:///PATH or "
        "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (openses picks its own drivers)",
    ),
    (
        "mysql://root@127.0.0.1/openses",
        "openses does not take mysql:// database URLs; use sqlite:///PATH or "
        "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (openses picks its own drivers)",
    ),
    (
        "openses.db",
        "'openses.db' is not a database URL; openses takes sqlite:///PATH or "
        "postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE",
    ),
    (
        "sqlite:////nonexistent-openses-dir/openses.db",
        "cannot use the database (SQLite /nonexistent-openses-dir/openses.db): unable to open "
        "database file",
    ),
]


@pytest.mark.parametrize("command", ["serve", "migrate", "messages", "worker"])
@pytest.mark.parametrize(("url", "message"), UNUSABLE_URLS)
def test_unusable_database_url_is_one_line(command: str, url: str, message: str) -> None:
    result = run(command, "--database", url)
    if command in ("messages", "worker") and url.startswith("sqlite:"):
        message = (
            "no openses database at /nonexistent-openses-dir/openses.db: pass --database (or set "
            "OPENSES_DATABASE_URL) to the one `openses serve` uses"
        )
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")


def test_missing_postgresql_database_is_one_line(tmp_path: Path) -> None:
    with database_url("postgresql", str(tmp_path)):  # skips where PostgreSQL is not running
        pass
    name = unique("absent").replace("-", "_")
    admin = make_url(POSTGRES_ADMIN_URL)
    url = admin.set(drivername="postgresql", password="hunter2", database=name)
    shown = admin.set(drivername="postgresql", database=name).render_as_string()
    line = (
        f"Error: cannot use the database (PostgreSQL {shown}): connection failed: connection "
        f'to server at "{admin.host}", port {admin.port} failed: FATAL: database "{name}" does '
        "not exist\n"
    )
    for command in ("migrate", "serve", "messages"):
        result = run(command, "--database", url.render_as_string(hide_password=False))
        assert (result.exit_code, result.stderr) == (1, line)


@pytest.mark.parametrize(
    "command",
    [
        ["messages"],
        ["messages", "--json"],
        ["dead-letters", "list"],
        ["dead-letters", "retry", "--all"],
        ["dead-letters", "retry", "1"],
        ["tracking", "keys"],
        ["tracking", "rotate-key"],
        ["worker"],
    ],
)
def test_commands_do_not_create_an_sqlite_file(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENSES_DATABASE_URL", raising=False)
    expected = (
        "Error: no openses database at {}: pass --database (or set OPENSES_DATABASE_URL) to the "
        "one `openses serve` uses\n"
    )
    default = run(*command)  # sqlite:///openses.db, in the working directory
    assert (default.exit_code, default.stdout) == (1, "")
    assert default.stderr == expected.format(tmp_path / "openses.db")
    given = run(*command, "--database", "sqlite:///elsewhere/mail.db")
    assert (given.exit_code, given.stderr) == (1, expected.format(tmp_path / "elsewhere/mail.db"))
    from_env = run(*command, env={"OPENSES_DATABASE_URL": f"sqlite:///{tmp_path}/env.db"})
    assert (from_env.exit_code, from_env.stderr) == (1, expected.format(tmp_path / "env.db"))
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_retrying_a_missing_dead_letter_fails(db_url: str) -> None:
    assert run("migrate", "--database", db_url).exit_code == 0
    result = run("dead-letters", "retry", "999", "7", "--database", db_url)
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "Error: no dead letter with id 7, 999 (see `openses dead-letters list`); none queued\n",
    )
    listed = run("dead-letters", "list", "--database", db_url)
    assert (listed.exit_code, json.loads(listed.stdout)) == (0, [])


def test_messages_json_is_the_inspection_apis_list(db_url: str) -> None:
    settings = Settings(database_url=db_url, validate_destinations=False, dispatch_events=False)
    with serve_in_thread(settings) as server:
        sesv2 = server.client("sesv2")
        sesv2.create_email_identity(EmailIdentity="me@example.com")
        sent = [
            sesv2.send_email(
                FromEmailAddress="me@example.com",
                Destination={"ToAddresses": [f"reader{i}@example.net"]},
                Content={"Simple": {"Subject": {"Data": f"n{i}"}, "Body": {"Text": {"Data": "x"}}}},
            )["MessageId"]
            for i in range(3)
        ]
        api = httpx.get(f"{server.url}/_openses/messages").json()["messages"]
    result = run("messages", "--json", "--database", db_url)
    assert result.exit_code == 0, result.stderr
    listed = json.loads(result.stdout)
    assert listed == api
    assert [m["messageId"] for m in listed] == sent[::-1]
    assert listed[0]["destination"] == {"to": ["reader2@example.net"], "cc": [], "bcc": []}
    only = run("messages", "--json", "--to", "reader1@example.net", "--database", db_url)
    assert [m["messageId"] for m in json.loads(only.stdout)] == [sent[1]]


def _starts(line: str) -> list[int]:
    return [match.start() for match in re.finditer(r"\S+", line)]


def test_tracking_keys_columns_line_up(db_url: str) -> None:
    assert run("migrate", "--database", db_url).exit_code == 0
    for _ in range(11):  # ids 1 to 11: one column gets wider than its header
        rotated = run("tracking", "rotate-key", "--grace-days", "0", "--database", db_url)
        assert rotated.exit_code == 0, rotated.stderr
    result = run("tracking", "keys", "--database", db_url)
    assert result.exit_code == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["ID", "CREATED", "RETIRES"]
    assert len(rows) == 11
    for row in rows:
        assert _starts(row) == _starts(header), result.stdout


def test_serve_logs_its_database_without_the_password(backend: str, tmp_path: Path) -> None:
    with database_url(backend, str(tmp_path)) as url:
        if backend == "sqlite":
            given = "sqlite:///relative/openses.db"
            (tmp_path / "relative").mkdir()
            shown = f"SQLite {tmp_path / 'relative' / 'openses.db'}"
        else:
            parsed = make_url(url)
            given = parsed.set(drivername="postgresql", password="hunter2").render_as_string(
                hide_password=False
            )
            shown = f"PostgreSQL {parsed.set(drivername='postgresql').render_as_string()}"
        log = tmp_path / "serve.log"
        process = _start(given, free_port(), log, cwd=tmp_path)
        _stop(process, log)
    text = log.read_text()
    assert re.search(rf"^\S+ \S+ INFO openses database: {re.escape(shown)}$", text, re.M), text
    assert "hunter2" not in text


@pytest.mark.parametrize(
    ("variable", "value", "accepted"),
    [
        ("OPENSES_ACCESS_LOG", "tru", "accepted values are true, 1, yes, on, false, 0, no, off"),
        ("OPENSES_PORT", "85o5", "an integer is expected, such as 10"),
        ("OPENSES_PUBLISH_POLL_SECONDS", "fast", "a number is expected, such as 10 or 0.5"),
    ],
)
def test_serve_with_a_bad_variable_is_one_line(
    variable: str, value: str, accepted: str, tmp_path: Path
) -> None:
    env = {**os.environ, variable: value, "OPENSES_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    process = subprocess.run(
        [*OPENSES, "serve"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    line = f"Error: {variable}={value!r} is not valid: {accepted}\n"
    assert (process.returncode, process.stdout, process.stderr) == (1, "", line)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["migrate"], ["messages"], ["worker"], ["tracking", "keys"]])
def test_every_command_refuses_a_bad_variable(command: list[str]) -> None:
    result = run(*command, env={"OPENSES_ASSUME_ROLES": "maybe"})
    line = (
        "Error: OPENSES_ASSUME_ROLES='maybe' is not valid: accepted values are true, 1, yes, on, "
        "false, 0, no, off\n"
    )
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", line)
