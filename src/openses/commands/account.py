"""``openses account``: what an operator decides for an account, as AWS support would."""

from __future__ import annotations

import re

import click

from openses import config
from openses.cli_support import database, database_option, settings_for
from openses.services import quotas
from openses.store.sources import EngineSource
from openses.store.unit_of_work import UnitOfWork


@click.group()
def account() -> None:
    """Account-level decisions (the sandbox)."""


@account.command(name="grant-production")
@click.argument("account_id", metavar="ACCOUNT")
@click.option("--region", default="us-east-1", show_default=True, help="The account's region.")
@database_option
def grant_production(account_id: str, region: str, database_url: str | None) -> None:
    """Lift the sandbox for ACCOUNT (a 12-digit account id) in one region: any recipient, and
    OPENSES_MAX_24_HOUR_SEND and OPENSES_MAX_SEND_RATE instead of 200 a day and 1 a second.
    A PutAccountDetails review in progress becomes GRANTED."""
    if re.fullmatch(r"\d{12}", account_id) is None:
        raise click.BadParameter("a 12-digit account id is expected", param_hint="ACCOUNT")
    try:
        config.region(region)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--region") from None
    with database(settings_for(database_url)) as engine:
        quotas.grant_production(UnitOfWork(EngineSource(engine, write=True), account_id, region))
    click.echo(f"production access granted to account {account_id} in {region}")
