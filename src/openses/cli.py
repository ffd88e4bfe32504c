"""The ``openses`` command line: serve, migrate, messages."""

from __future__ import annotations

import logging

import click
import uvicorn

from openses.app import create_app
from openses.config import Settings
from openses.domain.clock import iso8601
from openses.events.commands import dead_letters, worker
from openses.store import message_search
from openses.store.database import make_engine, migrate, reading
from openses.tracking.commands import tracking


@click.group()
def main() -> None:
    """openses: a self-hostable, Amazon SES-compatible email service."""


@main.command()
@click.option("--host", default=None, help="Address to listen on (OPENSES_HOST, 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port to listen on (OPENSES_PORT, 8585).")
@click.option(
    "--database",
    "database_url",
    default=None,
    help="SQLAlchemy URL (OPENSES_DATABASE_URL, sqlite:///openses.db).",
)
def serve(host: str | None, port: int | None, database_url: str | None) -> None:
    """Run the SES-compatible HTTP API."""
    settings = Settings.from_environ(host=host, port=port, database_url=database_url)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = create_app(settings)
    # uvicorn stops accepting on SIGTERM and lets requests in flight finish before exiting.
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
    )


@main.command(name="migrate")
@click.option("--database", "database_url", default=None, help="SQLAlchemy URL.")
def migrate_command(database_url: str | None) -> None:
    """Apply database migrations and exit."""
    settings = Settings.from_environ(database_url=database_url)
    migrate(make_engine(settings.database_url))
    click.echo("database is up to date")


@main.command()
@click.option("--database", "database_url", default=None, help="SQLAlchemy URL.")
@click.option("--to", default=None, help="Only messages to this recipient.")
@click.option("--from", "from_address", default=None, help="Only messages from this sender.")
@click.option("--configuration-set", default=None, help="Only messages sent with this set.")
@click.option("--limit", type=int, default=20, show_default=True)
def messages(
    database_url: str | None,
    to: str | None,
    from_address: str | None,
    configuration_set: str | None,
    limit: int,
) -> None:
    """List captured messages, newest first."""
    settings = Settings.from_environ(database_url=database_url)
    engine = make_engine(settings.database_url)
    migrate(engine)
    with reading(engine) as connection:
        rows = message_search.list_messages(
            connection,
            to=to,
            from_address=from_address,
            configuration_set=configuration_set,
            limit=limit,
        )
    table = [
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
    ]
    header = ("TIMESTAMP", "MESSAGE ID", "FROM", "TO", "SUBJECT", "CONFIGURATION SET", "STATUS")
    widths = [max(len(str(r[i])) for r in [header, *table]) for i in range(len(header))]
    for line in [header, *table]:
        click.echo(
            "  ".join(
                str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)
            ).rstrip()
        )


main.add_command(tracking)
main.add_command(worker)
main.add_command(dead_letters)
