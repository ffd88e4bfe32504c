"""The ``openses`` command line: serve, migrate, messages, worker, dead-letters, tracking."""

from __future__ import annotations

import json
import logging

import click
import uvicorn
from sqlalchemy.exc import SQLAlchemyError

from openses import serving
from openses.api.guard import is_loopback
from openses.app import create_app
from openses.cli_support import (
    database,
    database_option,
    echo_table,
    open_database,
    settings_for,
    unusable,
)
from openses.commands.access_keys import access_keys_group
from openses.commands.account import account
from openses.commands.events import dead_letters, worker
from openses.commands.tracking import tracking
from openses.config import Settings
from openses.delivery.bootstrap import DeliverySettingsError, route_table
from openses.protocol.timestamps import iso8601
from openses.services.secret_box import SecretKeyError
from openses.smtp.server import PortBusy, check_ports
from openses.smtp.tls import CertificateError
from openses.store import message_search
from openses.store.database import describe_url, reading
from openses.web.messages import summary

log = logging.getLogger("openses")


@click.group()
@click.version_option(package_name="openses", prog_name="openses", message="%(prog)s %(version)s")
def main() -> None:
    """openses: a self-hostable, Amazon SES-compatible email service."""


@main.command()
@click.option("--host", default=None, help="Address to listen on (OPENSES_HOST, 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (OPENSES_PORT, 8585).")
@database_option
def serve(host: str | None, port: int | None, database_url: str | None) -> None:
    """Run the SES-compatible HTTP API and SMTP submission (creates the database if it does
    not exist)."""
    settings = settings_for(database_url, host=host, port=port)
    try:  # issue 15: delivery settings that cannot work stop it before anything starts
        route_table(settings.delivery)
    except DeliverySettingsError as error:
        raise click.ClickException(str(error)) from None
    if settings.auth == "strict" and not settings.admin_token:
        raise click.ClickException(
            "OPENSES_AUTH=strict needs OPENSES_ADMIN_TOKEN: openses' own endpoints would "
            "otherwise be open to anyone who reaches them"
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    log.info("database: %s", describe_url(settings.database_url))
    _warn_about_auth(settings)
    if settings.admin_token is None and not is_loopback(settings.host):
        log.warning(
            "listening on %s without OPENSES_ADMIN_TOKEN: anyone who reaches this port can read "
            "the default account's captured mail and manage it from the dashboard (/_openses/)",
            settings.host,
        )
    try:
        app = create_app(settings)
    except SQLAlchemyError as error:
        raise click.ClickException(unusable(settings.database_url, error)) from None
    except (CertificateError, SecretKeyError) as error:
        raise click.ClickException(str(error)) from None
    if app.smtp is not None:
        try:
            check_ports(settings.host, app.smtp.listeners)
        except PortBusy as error:
            app.engine.dispose()
            raise click.ClickException(str(error)) from None
    # uvicorn stops accepting on SIGTERM and lets requests in flight finish before exiting.
    # serving.py: the connection cap and the header and body deadlines (issue 18)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        # One log line per request costs more than the request itself; opt in to it.
        access_log=settings.access_log,
        timeout_graceful_shutdown=30,
        # X-Forwarded-For is believed only from OPENSES_TRUSTED_PROXIES (none by default).
        forwarded_allow_ips=list(settings.trusted_proxies),
        **serving.options(settings),
    )


def _warn_about_auth(settings: Settings) -> None:
    """Issue 18: open mode beyond loopback takes anyone's requests as any account."""
    if settings.auth == "open" and not is_loopback(settings.host):
        log.warning(
            "listening on %s in open mode: anyone who reaches this address can use any "
            "account, with any signature, and send over SMTP with any password; set "
            "OPENSES_AUTH=strict (README, Security)",
            settings.host,
        )
    if settings.auth == "strict":
        unsigned = sorted(set(settings.access_keys) - set(settings.access_key_secrets))
        if unsigned:
            log.warning(
                "OPENSES_ACCESS_KEYS without a secret cannot sign in strict mode: %s",
                ", ".join(unsigned),
            )


@main.command(name="migrate")
@database_option
def migrate_command(database_url: str | None) -> None:
    """Apply database migrations and exit (creates the database if it does not exist)."""
    settings = settings_for(database_url)
    open_database(settings, create=True).dispose()
    click.echo(f"database is up to date: {describe_url(settings.database_url)}")


@main.command()
@database_option
@click.option("--to", default=None, help="Only messages to this recipient.")
@click.option("--from", "from_address", default=None, help="Only messages from this sender.")
@click.option("--configuration-set", default=None, help="Only messages sent with this set.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option(
    "--json", "as_json", is_flag=True, help="A JSON list, as GET /_openses/messages gives."
)
def messages(
    database_url: str | None,
    to: str | None,
    from_address: str | None,
    configuration_set: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List captured messages, newest first."""
    with database(settings_for(database_url)) as engine, reading(engine) as connection:
        rows = message_search.list_messages(
            connection,
            to=to,
            from_address=from_address,
            configuration_set=configuration_set,
            limit=limit,
        )
    if as_json:
        click.echo(json.dumps([summary(row) for row in rows], indent=2))
        return
    echo_table(
        ("TIMESTAMP", "MESSAGE ID", "FROM", "TO", "SUBJECT", "CONFIGURATION SET", "STATUS"),
        [
            (
                iso8601(row.created_at),
                row.message_id,
                row.source,
                ", ".join(a for values in row.destination.values() for a in values),
                row.subject or "",
                row.configuration_set or "",
                row.status,
            )
            for row in rows
        ],
    )


main.add_command(tracking)
main.add_command(worker)
main.add_command(dead_letters)
main.add_command(access_keys_group)
main.add_command(account)
