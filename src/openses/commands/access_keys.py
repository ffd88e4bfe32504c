"""``openses access-keys``: keys with secrets, for strict mode's signatures and SMTP passwords.
The secret is printed once, at creation, and stored encrypted (services/secret_box.py)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from openses.cli_support import database, database_option, settings_for
from openses.config import region as region_name
from openses.domain.clock import utc_now
from openses.services import access_keys
from openses.services.access_keys import AccessKeyError
from openses.services.secret_box import SecretKeyError, key_file, secret_box
from openses.smtp.auth import smtp_password
from openses.store import access_keys as stored


def _policy_text(path: str | None) -> str | None:
    if path is None:
        return None
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"cannot read the policy file {path}: {error}") from None


def _date(key: stored.StoredKey) -> str:
    return key.created_at.replace(microsecond=0).isoformat()


@click.group(name="access-keys")
def access_keys_group() -> None:
    """Access keys: their account, secret and IAM policies."""


@access_keys_group.command()
@database_option
@click.option("--account", "account_id", required=True, help="The 12-digit account of the key.")
@click.option("--name", "user_name", default=None, help="A user name, as IAM's UserName.")
@click.option("--policy", "policy_file", default=None, help="An IAM policy JSON file to attach.")
def create(
    database_url: str | None, account_id: str, user_name: str | None, policy_file: str | None
) -> None:
    """Create a key; prints it as `aws iam create-access-key` does (the secret only now)."""
    settings = settings_for(database_url)
    document = _policy_text(policy_file)
    with database(settings, AccessKeyError, SecretKeyError) as engine:
        box = secret_box(settings, create=True)
        made = access_keys.create(
            engine,
            box.seal,
            account_id=account_id,
            user_name=user_name,
            policy_document=document,
            now=utc_now(),
        )
    key = made.key
    body = {
        **({"UserName": key.user_name} if key.user_name else {}),
        "AccessKeyId": key.access_key_id,
        "Status": key.status,
        "SecretAccessKey": made.secret,
        "CreateDate": _date(key),
    }
    click.echo(json.dumps({"AccessKey": body}, indent=4))
    path = key_file(settings)
    if not settings.secret_key and path is not None:
        click.echo(f"the secret is stored encrypted with the key in {path}", err=True)


@access_keys_group.command(name="list")
@database_option
@click.option("--account", "account_id", default=None, help="Only this account's keys.")
def list_keys(database_url: str | None, account_id: str | None) -> None:
    """List keys (never their secrets), as `aws iam list-access-keys` does, with each key's
    account and policy names."""
    with database(settings_for(database_url)) as engine:
        keys = stored.all_keys(engine, account_id)
    metadata = [
        {
            **({"UserName": key.user_name} if key.user_name else {}),
            "AccessKeyId": key.access_key_id,
            "Status": key.status,
            "CreateDate": _date(key),
            "AccountId": key.account_id,
            "PolicyNames": [p.name for p in key.policies],
        }
        for key in keys
    ]
    click.echo(json.dumps({"AccessKeyMetadata": metadata}, indent=4))


@access_keys_group.command()
@database_option
@click.argument("access_key_id")
def delete(database_url: str | None, access_key_id: str) -> None:
    """Delete a key; running servers stop taking it within seconds."""
    with database(settings_for(database_url), AccessKeyError) as engine:
        access_keys.delete(engine, access_key_id)
    click.echo(f"deleted {access_key_id}")


@access_keys_group.command(name="attach-policy")
@database_option
@click.argument("access_key_id")
@click.option("--policy", "policy_file", required=True, help="An IAM policy JSON file.")
@click.option(
    "--policy-name", default="policy", show_default=True, help="Replaces a policy of this name."
)
def attach_policy(
    database_url: str | None, access_key_id: str, policy_file: str, policy_name: str
) -> None:
    """Attach an IAM identity policy to a key (checked as IAM checks its shape)."""
    document = _policy_text(policy_file) or ""
    with database(settings_for(database_url), AccessKeyError) as engine:
        access_keys.attach_policy(engine, access_key_id, policy_name, document)
    click.echo(f"attached {policy_name} to {access_key_id}")


@access_keys_group.command(name="smtp-password")
@database_option
@click.argument("access_key_id")
@click.option("--region", required=True, help="The SMTP region (OPENSES_SMTP_REGION).")
def smtp_password_command(database_url: str | None, access_key_id: str, region: str) -> None:
    """The SES SMTP password of a key in a region (derived from its secret, as SES does)."""
    try:
        region_name(region)
    except ValueError as error:
        raise click.ClickException(f"--region {region!r}: {error}") from None
    settings = settings_for(database_url)
    secret = settings.access_key_secrets.get(access_key_id)
    if secret is None:
        with database(settings, AccessKeyError, SecretKeyError) as engine:
            secret = access_keys.secret_of(
                engine, secret_box(settings, create=False).open, access_key_id
            )
    click.echo(smtp_password(secret, region))
