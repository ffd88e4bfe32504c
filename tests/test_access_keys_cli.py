"""``openses access-keys`` (issue 18): the key printed once in `aws iam create-access-key`'s
shape, its secret stored encrypted with a key that is not in the database, policies checked
as IAM checks their shape, and the SES SMTP password; SQLite and PostgreSQL."""

from __future__ import annotations

import datetime
import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, select

from openses.cli import main
from openses.smtp.auth import smtp_password
from openses.store.tables import access_keys
from tests.support import database_url, postgres_database

POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ses:Send*", "Resource": "*"}],
}


@pytest.fixture(params=["sqlite", "postgresql"])
def env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    with database_url(request.param, str(tmp_path)) as url:
        env = {"OPENSES_DATABASE_URL": url, "OPENSES_ACCESS_KEYS": ""}
        if request.param == "postgresql":
            env["OPENSES_SECRET_KEY"] = "pg secret key"
        assert CliRunner().invoke(main, ["migrate"], env=env).exit_code == 0
        yield env


def run(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def test_create_prints_the_key_once_as_iam_does_and_stores_the_secret_encrypted(
    env: dict[str, str],
) -> None:
    made = run(env, "access-keys", "create", "--account", "111111111111", "--name", "app")
    assert made.exit_code == 0, made.output
    key = json.loads(made.stdout)["AccessKey"]
    assert list(key) == ["UserName", "AccessKeyId", "Status", "SecretAccessKey", "CreateDate"]
    assert (key["UserName"], key["Status"]) == ("app", "Active")
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", key["AccessKeyId"])
    assert re.fullmatch(r"[A-Za-z0-9/+]{40}", key["SecretAccessKey"])
    created = datetime.datetime.fromisoformat(key["CreateDate"])
    assert abs(datetime.datetime.now(datetime.UTC) - created) < datetime.timedelta(minutes=1)
    engine = create_engine(
        env["OPENSES_DATABASE_URL"].replace("postgresql:", "postgresql+psycopg:")
    )
    with engine.connect() as connection:
        row = connection.execute(select(access_keys)).one()
    engine.dispose()
    assert row.account_id == "111111111111"
    assert key["SecretAccessKey"] not in row.encrypted_secret
    listed = json.loads(run(env, "access-keys", "list").stdout)
    assert listed == {
        "AccessKeyMetadata": [
            {
                "UserName": "app",
                "AccessKeyId": key["AccessKeyId"],
                "Status": "Active",
                "CreateDate": key["CreateDate"],
                "AccountId": "111111111111",
                "PolicyNames": [],
            }
        ]
    }
    assert "SecretAccessKey" not in run(env, "access-keys", "list").stdout
    other = json.loads(run(env, "access-keys", "list", "--account", "999999999999").stdout)
    assert other == {"AccessKeyMetadata": []}


def test_the_smtp_password_needs_the_same_encryption_key(env: dict[str, str]) -> None:
    key = json.loads(run(env, "access-keys", "create", "--account", "111111111111").stdout)
    key_id, secret = key["AccessKey"]["AccessKeyId"], key["AccessKey"]["SecretAccessKey"]
    derived = run(env, "access-keys", "smtp-password", key_id, "--region", "eu-west-1")
    assert (derived.exit_code, derived.stdout) == (0, smtp_password(secret, "eu-west-1") + "\n")
    other = run(
        {**env, "OPENSES_SECRET_KEY": "another key"},
        "access-keys",
        "smtp-password",
        key_id,
        "--region",
        "eu-west-1",
    )
    assert (other.exit_code, other.output) == (
        1,
        "Error: a stored secret access key does not open with this key: OPENSES_SECRET_KEY "
        "(or the key file) is not the one the key was created with\n",
    )
    bad_region = run(env, "access-keys", "smtp-password", key_id, "--region", "mars")
    assert (bad_region.exit_code, bad_region.output) == (
        1,
        "Error: --region 'mars': an AWS region name is expected, such as us-east-1\n",
    )


def test_a_secret_from_the_environment_has_its_smtp_password(env: dict[str, str]) -> None:
    with_key = {**env, "OPENSES_ACCESS_KEYS": "AKIAENV:s3cret=111111111111"}
    derived = run(with_key, "access-keys", "smtp-password", "AKIAENV", "--region", "us-east-1")
    assert derived.stdout == smtp_password("s3cret", "us-east-1") + "\n"


def test_policies_are_checked_and_attached(env: dict[str, str], tmp_path: Path) -> None:
    good = tmp_path / "policy.json"
    good.write_text(json.dumps(POLICY))
    made = run(env, "access-keys", "create", "--account", "111111111111", "--policy", str(good))
    key_id = json.loads(made.stdout)["AccessKey"]["AccessKeyId"]
    attached = run(
        env, "access-keys", "attach-policy", key_id, "--policy", str(good), "--policy-name", "s"
    )
    assert (attached.exit_code, attached.stdout) == (0, f"attached s to {key_id}\n")
    listed = json.loads(run(env, "access-keys", "list").stdout)["AccessKeyMetadata"]
    assert listed[0]["PolicyNames"] == ["policy", "s"]
    bad = tmp_path / "bad.json"
    for document, reason in [
        ("{not json", "Syntax errors in policy."),
        ('{"Statement": []}', "Policy document must have a Statement."),
        (
            '{"Statement": {"Effect": "Permit", "Action": "ses:*", "Resource": "*"}}',
            "Policy statement must contain an Effect of Allow or Deny.",
        ),
        (
            '{"Statement": {"Effect": "Allow", "Action": "ses:*", "NotAction": "x:y", '
            '"Resource": "*"}}',
            "Policy statement must contain exactly one of Action, NotAction.",
        ),
        (
            '{"Statement": {"Effect": "Allow", "Action": "ses:*"}}',
            "Policy statement must contain exactly one of Resource, NotResource.",
        ),
        (
            '{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "ses:*", '
            '"Resource": "*"}}',
            "Policy document should not specify a principal.",
        ),
    ]:
        bad.write_text(document)
        refused = run(env, "access-keys", "attach-policy", key_id, "--policy", str(bad))
        assert (refused.exit_code, refused.output) == (
            1,
            f"Error: MalformedPolicyDocument: {reason}\n",
        )
    listed = json.loads(run(env, "access-keys", "list").stdout)["AccessKeyMetadata"]
    assert listed[0]["PolicyNames"] == ["policy", "s"]


def test_bad_arguments_and_unknown_keys_are_one_line(env: dict[str, str]) -> None:
    bad_account = run(env, "access-keys", "create", "--account", "12345")
    assert (bad_account.exit_code, bad_account.output) == (
        1,
        "Error: the account id must be 12 digits, not '12345'\n",
    )
    bad_name = run(env, "access-keys", "create", "--account", "111111111111", "--name", "a b")
    assert bad_name.exit_code == 1
    for args in (("delete", "AKIANONE"), ("smtp-password", "AKIANONE", "--region", "us-east-1")):
        missing = run(env, "access-keys", *args)
        assert (missing.exit_code, missing.output) == (1, "Error: no access key AKIANONE\n")
    assert json.loads(run(env, "access-keys", "list").stdout) == {"AccessKeyMetadata": []}


def test_sqlite_keeps_its_encryption_key_in_a_file_beside_the_database(tmp_path: Path) -> None:
    env = {"OPENSES_DATABASE_URL": f"sqlite:///{tmp_path}/ses.db", "OPENSES_SECRET_KEY": ""}
    assert run(env, "migrate").exit_code == 0
    made = run(env, "access-keys", "create", "--account", "111111111111")
    assert made.exit_code == 0
    assert made.stderr == f"the secret is stored encrypted with the key in {tmp_path}/ses.db.key\n"
    key_file = tmp_path / "ses.db.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    first = key_file.read_bytes()
    assert run(env, "access-keys", "create", "--account", "111111111111").exit_code == 0
    assert key_file.read_bytes() == first  # made once
    key_id = json.loads(made.stdout)["AccessKey"]["AccessKeyId"]
    key_file.unlink()
    lost = run(env, "access-keys", "smtp-password", key_id, "--region", "us-east-1")
    assert (lost.exit_code, lost.output) == (
        1,
        f"Error: no key file at {key_file}: set OPENSES_SECRET_KEY or restore it\n",
    )


def test_postgresql_needs_openses_secret_key() -> None:
    with postgres_database() as url:
        env = {"OPENSES_DATABASE_URL": url, "OPENSES_SECRET_KEY": ""}
        assert run(env, "migrate").exit_code == 0
        refused = run(env, "access-keys", "create", "--account", "1" * 12)
        assert run(env, "access-keys", "list").stdout == '{\n    "AccessKeyMetadata": []\n}\n'
    assert (refused.exit_code, refused.output) == (
        1,
        "Error: set OPENSES_SECRET_KEY: secret access keys in a PostgreSQL database are "
        "encrypted with it (it must not be stored in the database)\n",
    )
